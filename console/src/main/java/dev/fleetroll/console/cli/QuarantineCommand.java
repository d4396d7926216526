package dev.fleetroll.console.cli;

import dev.fleetroll.auditlog.Actor;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.console.writes.ConsoleWriteGate;
import dev.fleetroll.console.render.PlanFormatter;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ops.QuarantineResults;
import dev.fleetroll.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code fleetroll tc-quarantine} and {@code tc-unquarantine}: start or end the Taskcluster quarantine of hosts'
 * workers, with the same safety as file writes (plan, dry run unless {@code --confirm}, audit log).
 */
final class QuarantineCommand implements Command {
    private final boolean lift;

    QuarantineCommand(boolean lift) {
        this.lift = lift;
    }

    @Override
    public String name() {
        return lift ? "tc-unquarantine" : "tc-quarantine";
    }

    @Override
    public String summary() {
        return lift ? "end the Taskcluster quarantine of hosts' workers (dry run unless --confirm)"
                : "quarantine hosts' Taskcluster workers so they take no new tasks (dry run unless --confirm)";
    }

    @Override
    public String arguments() {
        return "HOST_OR_LIST...";
    }

    @Override
    public String description() {
        return (lift ? """
                Ends the quarantine of each host's Taskcluster worker (queue quarantineWorker with the quarantine
                ending now), so Taskcluster hands it tasks again.
                """ : """
                Quarantines each host's Taskcluster worker (queue quarantineWorker): it finishes its current task
                and takes no new one until the quarantine ends (--for, default ten years, as Taskcluster's own
                tools do) or is lifted with tc-unquarantine. The reason is sent as quarantineInfo, so the next
                operator sees it in Taskcluster too.
                """) + """

                The workers come from the last gather-tc (pool, worker group); hosts without a listed worker are
                named and left alone. Prints the plan; nothing is sent without --confirm (no terminal and neither
                --confirm nor --dry-run: refused). Each change is one line in $FLEETROLL_HOME/audit.jsonl.
                Credentials: $TASKCLUSTER_CLIENT_ID and $TASKCLUSTER_ACCESS_TOKEN, or TC_TOKEN=FILE, or
                taskcluster.credentials_file; they are never printed.

                Exit status: 0 every worker changed (or dry run), 1 some failed, 2 usage error.

                Examples:
                """ + (lift ? "  fleetroll tc-unquarantine t-linux64-ms-016 --reason 'disk replaced' --confirm\n"
                : "  fleetroll tc-quarantine t-linux64-ms-016 --reason 'disk failing, RELOPS-123'\n"
                + "  fleetroll tc-quarantine 'ms-[016-020]' --reason 'rack move' --for 2d --confirm\n");
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("reason").hasArg().argName("TEXT")
                .desc(lift ? "why (kept in the audit log and sent to Taskcluster)" : "why (required; sent to Taskcluster)").get());
        if (!lift) {
            o.addOption(Option.builder().longOpt("for").hasArg().argName("DURATION")
                    .desc("how long (e.g. 2d, 12h; default ten years)").get());
        }
        o.addOption(Option.builder().longOpt("confirm").desc("send the change (otherwise a dry run)").get());
        o.addOption(Option.builder().longOpt("dry-run").desc("show the plan, send nothing").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) throws InterruptedException {
        if (line.hasOption("confirm") && line.hasOption("dry-run")) {
            throw new UsageError(name() + ": --confirm and --dry-run exclude each other");
        }
        if (line.getArgList().isEmpty()) {
            throw new UsageError(name() + ": name the hosts (HOST_OR_LIST...)");
        }
        Duration duration = null;
        if (line.hasOption("for")) {
            duration = Durations.tryParse(line.getOptionValue("for"));
            if (duration == null) {
                throw new UsageError(name() + ": --for '" + line.getOptionValue("for") + "' is not a duration (2d, 12h)");
            }
        }
        List<String> hosts = new Inventory(ctx.workspace()).resolve(line.getArgList());
        ConsoleWriteGate gate = new ConsoleWriteGate(ConsoleWriteGate.Context.CLI, line.hasOption("confirm"),
                line.hasOption("dry-run"), ctx.stdinIsTerminal(), null, ctx.out(),
                new PlanFormatter(ctx.colour(), Clock.systemUTC()), true);
        AuditLog auditLog = AuditLog.of(ctx.workspace().home(), Actor.from(ctx.env()));
        QuarantineResults r;
        try (Fleet fleet = DefaultFleet.open(ctx.workspace())) {
            r = fleet.quarantine(hosts, lift, duration, line.getOptionValue("reason"), gate, auditLog);
        }
        if (r.sent()) {
            r.done().forEach((h, until) -> ctx.out().println("  " + h + ": " + (until == null ? "not quarantined"
                    : "quarantined until " + until.truncatedTo(ChronoUnit.SECONDS))));
            r.failed().forEach((h, why) -> ctx.out().println("  " + h + ": FAILED: " + why));
            r.warnings().forEach(w -> ctx.err().println("fleetroll: " + w));
            ctx.out().println(name() + ": " + r.done().size() + " ok, " + r.failed().size() + " failed, in "
                    + Durations.format(r.elapsed()));
            ctx.out().println("Audit log: " + auditLog.file());
        }
        return r.allOk() ? Cli.OK : Cli.FAILED;
    }
}
