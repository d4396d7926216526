package dev.fleetroll.console.cli;

import dev.fleetroll.console.render.AuditReportFormatter;
import dev.fleetroll.ops.AuditReport;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.util.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll gather-host}: audits hosts over SSH in parallel and stores what they report. */
final class GatherHostCommand implements Command {

    @Override
    public String name() {
        return "gather-host";
    }

    @Override
    public List<String> aliases() {
        return List.of("host-audit");
    }

    @Override
    public String summary() {
        return "audit hosts over SSH in parallel and store what each one really runs";
    }

    @Override
    public String arguments() {
        return "HOST_OR_LIST...";
    }

    @Override
    public String description() {
        return """
                Runs one audit script per host (one SSH round trip; Linux and macOS) and stores an observation for
                every host in $FLEETROLL_HOME/fleetroll.db, failures included (unreachable, auth-failed,
                host-key-mismatch, timed-out), so the monitor shows "down since" rather than an ageing row.
                Override contents go to $FLEETROLL_HOME/overrides, addressable by sha prefix or humanhash.

                Arguments are host lists (linux/1804, sandbox), list files, node sets (t-linux64-ms-[001-040]) or
                hosts. Prints totals by outcome, one line per failed host with its reason, and the distinct
                overrides with the hosts that carry each. Progress goes to stderr when it is a terminal.

                With --every, keeps auditing each round over the connections already open (the 'watch -n 300'
                loop, done right) until Ctrl-C or --rounds.

                Exit status: 0 every host ok, 1 some host failed (in the last round), 2 usage error, 130 stopped
                with Ctrl-C.

                Examples:
                  fleetroll gather-host sandbox
                  fleetroll gather-host 'ms-[001-040]' --json > audit.json
                  fleetroll gather-host linux/1804 --every 5m -q
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("json").desc("print one JSON document (observations, outcomes, overrides)").get());
        o.addOption(Option.builder("q").longOpt("quiet").desc("print one line: hosts ok out of total, failures, time").get());
        o.addOption(Option.builder().longOpt("every").hasArg().argName("DURATION")
                .desc("repeat every DURATION (e.g. 5m) over the open connections until Ctrl-C").get());
        o.addOption(Option.builder().longOpt("rounds").hasArg().argName("N")
                .desc("with --every: stop after N rounds").get());
        o.addOption(Option.builder().longOpt("fetch-vault")
                .desc("also fetch vault.yaml bodies into $FLEETROLL_HOME/vault_yamls (mode 0600; never printed)").get());
        return SshOptions.add(o);
    }

    @Override
    public int run(CommandLine line, CliContext ctx) throws InterruptedException {
        if (line.hasOption("json") && line.hasOption("quiet")) {
            throw new UsageError(name() + ": --json and --quiet exclude each other");
        }
        Duration every = null;
        if (line.hasOption("every")) {
            every = Durations.tryParse(line.getOptionValue("every"));
            if (every == null || every.isZero() || every.isNegative()) {
                throw new UsageError(name() + ": --every '" + line.getOptionValue("every") + "' is not a positive duration (e.g. 30s, 5m)");
            }
        }
        int rounds = every == null ? 1 : Integer.MAX_VALUE;
        if (line.hasOption("rounds")) {
            if (every == null) {
                throw new UsageError(name() + ": --rounds needs --every");
            }
            try {
                rounds = Integer.parseInt(line.getOptionValue("rounds"));
            } catch (NumberFormatException e) {
                rounds = 0;
            }
            if (rounds < 1) {
                throw new UsageError(name() + ": --rounds '" + line.getOptionValue("rounds") + "' must be a positive number");
            }
        }
        List<String> hosts = new dev.fleetroll.inventory.Inventory(ctx.workspace()).resolve(line.getArgList());
        // one round is one batch: close each host's connection when it is done (memory stays at the fan-out's worth)
        DefaultFleet.Options options = SshOptions.fleetOptions(line, name(), line.hasOption("fetch-vault")).withOneShot(every == null);

        Cancellation current = new Cancellation();
        boolean[] stop = {false};
        Thread main = Thread.currentThread();
        Runnable restore = Interrupts.onSigint(() -> {
            stop[0] = true;
            current.cancel("interrupted");
            main.interrupt();
        });
        int status = Cli.OK;
        try (DefaultFleet fleet = DefaultFleet.open(ctx.workspace(), options)) {
            AuditReportFormatter formatter = new AuditReportFormatter(fleet.overrideContents());
            for (int round = 1; round <= rounds && !stop[0]; round++) {
                Instant started = Instant.now();
                BatchListener progress = ProgressLine.forTerminal(ctx, "auditing");
                AuditReport report;
                try {
                    report = fleet.audit(hosts, progress, current);
                } finally {
                    ProgressLine.finish(progress);
                }
                status = report.failed().isEmpty() ? Cli.OK : Cli.FAILED;
                if (every != null && !line.hasOption("json")) {
                    ctx.out().printf(Locale.ROOT, "== round %d at %s%n", round, started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
                }
                if (line.hasOption("json")) {
                    ctx.out().println(formatter.json(report));
                } else if (line.hasOption("quiet")) {
                    ctx.out().println(AuditReportFormatter.quiet(report));
                } else {
                    ctx.out().print(formatter.summary(report));
                    if (every == null) {
                        ctx.out().println("Observations: " + ctx.workspace().home().database());
                    }
                }
                ctx.out().flush();
                if (stop[0]) {
                    break;
                }
                if (round < rounds) {
                    Duration wait = every.minus(Duration.between(started, Instant.now()));
                    if (!wait.isNegative()) {
                        try {
                            Thread.sleep(wait.toMillis());
                        } catch (InterruptedException e) {
                            break;
                        }
                    }
                }
            }
        } finally {
            restore.run();
            Thread.interrupted();
        }
        if (stop[0]) {
            ctx.err().println("fleetroll: interrupted; " + (every == null ? "unfinished hosts were reported cancelled"
                    : "stopped after the last round shown"));
            return Cli.INTERRUPTED;
        }
        return status;
    }
}
