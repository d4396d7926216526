package dev.fleetroll.console.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fleetroll.UserError;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.console.writes.ConsoleWriteGate;
import dev.fleetroll.console.render.PlanFormatter;
import dev.fleetroll.console.writes.WriteResultsFormatter;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.write.SetOverride;
import dev.fleetroll.ops.write.SetVault;
import dev.fleetroll.ops.write.UnsetOverride;
import dev.fleetroll.ops.write.WriteAction;
import dev.fleetroll.ops.write.WriteContext;
import dev.fleetroll.ops.write.WriteOptions;
import dev.fleetroll.ops.write.WriteResults;
import dev.fleetroll.ops.write.WriteSource;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.util.Durations;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code host-set-override}, {@code host-unset-override}, {@code host-set-vault}: thin wrappers over
 * {@link SetOverride}, {@link UnsetOverride} and {@link SetVault} with the established tool's flags. Dry run unless
 * {@code --confirm}; without a terminal, {@code --confirm} or {@code --dry-run} is required (fail closed). One line
 * per host, then a summary; exit 1 if any host did not end ok.
 */
final class WriteCommand implements Command {

    /**
     * Opens what a write needs (fleet, audit log, content stores) for a workspace, the environment (the actor) and
     * the SSH flags. The command closes the fleet when done.
     */
    @FunctionalInterface
    interface Opener {
        WriteContext open(Workspace workspace, Map<String, String> env, DefaultFleet.Options options);
    }

    /** The real engine: {@link DefaultFleet} over SSH, {@code $FLEETROLL_HOME/audit.jsonl}, the local content stores. */
    static final Opener DEFAULT = (ws, env, options) -> WriteContext.of(DefaultFleet.open(ws, options), env);

    private final WriteAction action;
    private final Opener opener;
    private final Clock clock;

    WriteCommand(WriteAction action) {
        this(action, DEFAULT, Clock.systemUTC());
    }

    WriteCommand(WriteAction action, Opener opener, Clock clock) {
        this.action = action;
        this.opener = opener;
        this.clock = clock;
    }

    @Override
    public String name() {
        return switch (action) {
            case OVERRIDE_SET -> "host-set-override";
            case OVERRIDE_UNSET -> "host-unset-override";
            case VAULT_SET -> "host-set-vault";
        };
    }

    @Override
    public String summary() {
        return switch (action) {
            case OVERRIDE_SET -> "write an override file to hosts (validated, atomic; dry run unless --confirm)";
            case OVERRIDE_UNSET -> "remove the override file from hosts (with a backup; dry run unless --confirm)";
            case VAULT_SET -> "write vault.yaml to hosts (validated, atomic, never shown; dry run unless --confirm)";
        };
    }

    @Override
    public String arguments() {
        return "HOST_OR_LIST...";
    }

    @Override
    public String description() {
        String what = switch (action) {
            case OVERRIDE_SET -> """
                    Validates the override file (bash -n, PUPPET_REPO/BRANCH/MAIL/WORKER_TYPE_OVERRIDE rules, plain
                    assignments only) and writes it atomically to /etc/puppet/ronin_settings (Linux) or
                    /opt/puppet_environments/ronin_settings (macOS). A host that already has the same override reports
                    unchanged; one with a different override is blocked unless --force (checked on the host).""";
            case OVERRIDE_UNSET -> """
                    Removes /etc/puppet/ronin_settings (Linux) or /opt/puppet_environments/ronin_settings (macOS), after
                    a backup unless --no-backup. Hosts without an override report unchanged.""";
            case VAULT_SET -> """
                    Validates the vault (one YAML mapping) and writes it atomically to /root/vault.yaml (Linux) or
                    /var/root/vault.yaml (macOS), replacing the existing vault after a backup. Its content is never
                    printed or logged: only its sha256.""";
        };
        return what + """


                Without --confirm this is a dry run: the plan (hosts, sha256 and humanhash, target, mode/owner,
                what the hosts have now and the diff) is printed and a dry-run record goes to the audit log.
                Without a terminal, --confirm or --dry-run is required. Every attempt is in the audit log.
                Exit status: 0 all hosts ok (or dry run), 1 some host failed, blocked or unreachable, 2 usage
                error, invalid file, or a write refused without a terminal.

                Examples:
                  fleetroll %s %slinux/1804 --reason canary
                  fleetroll %s %s'ms-[001-004]' --reason canary --confirm
                """.formatted(name(), action.removal() ? "" : "-f FILE ", name(), action.removal() ? "" : "-f FILE ");
    }

    @Override
    public Options options() {
        Options o = new Options();
        if (!action.removal()) {
            o.addOption(Option.builder("f").longOpt("from-file").hasArg().argName("FILE").desc("the file to write (required)").get());
        }
        o.addOption(Option.builder().longOpt("reason").hasArg().argName("TEXT").desc("why, for the audit log").get());
        if (!action.removal()) {
            o.addOption(Option.builder().longOpt("mode").hasArg().argName("MODE")
                    .desc("file mode (default writes." + (action == WriteAction.VAULT_SET ? "vault_mode: 0640" : "override_mode: 0644") + ")").get());
            o.addOption(Option.builder().longOpt("owner").hasArg().argName("USER").desc("file owner (default root)").get());
            o.addOption(Option.builder().longOpt("group").hasArg().argName("GROUP")
                    .desc("file group (default auto: wheel on macOS, root on Linux)").get());
        }
        o.addOption(Option.builder().longOpt("no-backup").desc("do not back up the file being replaced or removed").get());
        if (action == WriteAction.OVERRIDE_SET) {
            o.addOption(Option.builder().longOpt("force").desc("replace a different override that is already on a host").get());
        }
        if (action == WriteAction.VAULT_SET) {
            o.addOption(Option.builder().longOpt("force").desc("not accepted: an existing vault is always replaced (after a backup)").get());
        }
        if (action == WriteAction.OVERRIDE_UNSET) {
            o.addOption(Option.builder().longOpt("only-if-sha").hasArg().argName("SHA256")
                    .desc("remove only an override with this sha256; others are blocked").get());
        }
        o.addOption(Option.builder().longOpt("target-path").hasArg().argName("PATH")
                .desc("write this path instead of the OS default").get());
        o.addOption(Option.builder().longOpt("confirm").desc("really write (otherwise a dry run)").get());
        o.addOption(Option.builder().longOpt("dry-run").desc("only show the plan (needed without a terminal when not confirming)").get());
        o.addOption(Option.builder().longOpt("no-reaudit").desc("do not re-audit the hosts after writing").get());
        o.addOption(Option.builder().longOpt("timeout").hasArg().argName("DURATION").desc("per-host command timeout (default ssh.command_timeout)").get());
        o.addOption(Option.builder().longOpt("json").desc("print the plan and results as one JSON object").get());
        return SshOptions.add(o);
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        if (line.hasOption("confirm") && line.hasOption("dry-run")) {
            throw new UsageError(name() + ": --confirm and --dry-run exclude each other");
        }
        if (action == WriteAction.VAULT_SET && line.hasOption("force")) {
            throw new UsageError(name() + ": --force has no meaning for vaults (an existing vault is always replaced,"
                    + " after a backup unless --no-backup); drop it");
        }
        WriteSource source = null;
        if (!action.removal()) {
            String file = line.getOptionValue("from-file");
            if (file == null) {
                throw new UsageError(name() + ": --from-file FILE is required");
            }
            source = WriteSource.file(Path.of(file));
        }
        List<String> hosts = new Inventory(ctx.workspace()).resolve(line.getArgList());
        Duration timeout = null;
        if (line.hasOption("timeout")) {
            timeout = Durations.tryParse(line.getOptionValue("timeout"));
            if (timeout == null) {
                throw new UsageError(name() + ": --timeout '" + line.getOptionValue("timeout") + "' is not a duration (30s, 5m)");
            }
        }
        WriteOptions options = new WriteOptions(line.getOptionValue("reason"), line.getOptionValue("mode"),
                line.getOptionValue("owner"), line.getOptionValue("group"), !line.hasOption("no-backup"),
                line.hasOption("force"), line.getOptionValue("target-path"), line.getOptionValue("only-if-sha"),
                !line.hasOption("no-reaudit"), timeout);
        boolean json = line.hasOption("json");
        PlanFormatter planFormatter = new PlanFormatter(ctx.colour(), clock);
        ConsoleWriteGate gate = new ConsoleWriteGate(ConsoleWriteGate.Context.CLI, line.hasOption("confirm"),
                line.hasOption("dry-run"), ctx.stdinIsTerminal(), null, ctx.out(), planFormatter, !json);
        DefaultFleet.Options fleetOptions = SshOptions.fleetOptions(line, name(), false);

        Cancellation cancellation = new Cancellation();
        boolean[] interrupted = {false};
        Runnable restore = Interrupts.onSigint(() -> {
            interrupted[0] = true;
            cancellation.cancel("interrupted");
        });
        WriteContext wctx = null;
        WriteResults results;
        BatchListener progress = ProgressLine.forTerminal(ctx, "writing", "re-auditing");
        try {
            wctx = opener.open(ctx.workspace(), ctx.env(), fleetOptions);
            results = switch (action) {
                case OVERRIDE_SET -> new SetOverride(wctx).run(hosts, source, options, gate, progress, cancellation);
                case OVERRIDE_UNSET -> new UnsetOverride(wctx).run(hosts, options, gate, progress, cancellation);
                case VAULT_SET -> new SetVault(wctx).run(hosts, source, options, gate, progress, cancellation);
            };
        } finally {
            ProgressLine.finish(progress);
            restore.run();
            if (wctx != null) {
                wctx.fleet().close();
            }
        }
        if (json) {
            try {
                ctx.out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(WriteResultsFormatter.toJson(results)));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            if (!results.dryRun()) {
                ctx.out().print(new WriteResultsFormatter(ctx.colour()).render(results));
            }
            ctx.out().println("Audit log: " + wctx.auditLog().file());
        }
        if (interrupted[0]) {
            ctx.err().println("fleetroll: interrupted; hosts not yet written were cancelled (each target is the old or"
                    + " the new file)");
            return Cli.INTERRUPTED;
        }
        return results.allOk() ? Cli.OK : Cli.FAILED;
    }
}
