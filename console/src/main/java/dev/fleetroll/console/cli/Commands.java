package dev.fleetroll.console.cli;

import dev.fleetroll.ops.WriteAction;
import java.time.Clock;
import java.util.List;

/** Every subcommand, in the order {@code fleetroll --help} lists them. */
public final class Commands {
    private Commands() {}

    public static List<Command> all() {
        return List.of(
                new DemoCommand(),
                new HostsCommand(),
                new GatherHostCommand(),
                new WriteCommand(WriteAction.OVERRIDE_SET, WriteCommand.NO_ENGINE, Clock.systemUTC()),
                new WriteCommand(WriteAction.OVERRIDE_UNSET, WriteCommand.NO_ENGINE, Clock.systemUTC()),
                new WriteCommand(WriteAction.VAULT_SET, WriteCommand.NO_ENGINE, Clock.systemUTC()),
                new AuditLogCommand(Clock.systemUTC()),
                new DebugHostScriptCommand(),
                new SshConfigCommand(),
                new SandboxCommand(),
                new RunCommand(),
                new CheckCommand());
    }
}
