package dev.fleetroll.console.cli;

import dev.fleetroll.ops.write.WriteAction;
import dev.fleetroll.remote.ManagedFile;
import java.time.Clock;
import java.util.List;

/** Every subcommand, in the order {@code fleetroll --help} lists them. */
public final class Commands {
    private Commands() {}

    public static List<Command> all() {
        return List.of(
                new DemoCommand(),
                new HostsCommand(),
                new InventoryCommand(),
                new FiltersCommand(),
                new GatherHostCommand(),
                new GatherTcCommand(),
                new GatherGhCommand(),
                new GatherCommand(),
                new MonitorCommand(),
                new ServeCommand(),
                new QuarantineCommand(false),
                new QuarantineCommand(true),
                new WriteCommand(WriteAction.OVERRIDE_SET),
                new WriteCommand(WriteAction.OVERRIDE_UNSET),
                new WriteCommand(WriteAction.VAULT_SET),
                new RunPuppetCommand(),
                new RebootCommand(),
                new RebootSlotsCommand(Clock.systemUTC()),
                new FleetLockCommand(),
                new RolloutCommand(),
                new ShowContentCommand(ManagedFile.OVERRIDE),
                new ShowContentCommand(ManagedFile.VAULT),
                new AuditLogCommand(Clock.systemUTC()),
                new NoteCommand(false),
                new NoteCommand(true),
                new NotesCommand(Clock.systemUTC()),
                new DataFreshnessCommand(Clock.systemUTC()),
                new MaintainCommand(),
                new StoreCommand(),
                new DebugHostScriptCommand(),
                new SshConfigCommand(),
                new SandboxCommand(),
                new RunCommand(),
                new CheckCommand());
    }
}
