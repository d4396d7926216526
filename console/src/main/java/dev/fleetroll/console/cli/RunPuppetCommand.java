package dev.fleetroll.console.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fleetroll.console.render.PuppetRunFormatter;
import dev.fleetroll.console.writes.ConsoleWriteGate;
import dev.fleetroll.console.render.PlanFormatter;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.PuppetRunReport;
import dev.fleetroll.ops.PuppetRunResult;
import dev.fleetroll.ops.RunPuppet;
import dev.fleetroll.ops.write.WriteContext;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.util.Durations;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code fleetroll host-run-puppet}: a thin wrapper over {@link RunPuppet}: one Puppet run per host, live
 * {@code START} lines and each host's output as it finishes, status lines and a summary. Dry run unless
 * {@code --confirm}, as for writes.
 */
final class RunPuppetCommand implements Command {

    @Override
    public String name() {
        return "host-run-puppet";
    }

    @Override
    public String summary() {
        return "run Puppet once on hosts and re-audit them (dry run unless --confirm)";
    }

    @Override
    public String arguments() {
        return "HOST_OR_LIST...";
    }

    @Override
    public String description() {
        return """
                Runs each host's run-puppet wrapper once, as root and on a pty (so Puppet colours its output):
                  env FLEETROLL_SINGLE_RUN=1 /usr/local/bin/run-puppet.sh 2>&1; echo "EXIT=$?"
                FLEETROLL_SINGLE_RUN=1 asks the wrapper for one bounded attempt instead of retrying until success.
                At most ssh.fanout hosts (or --fanout) run at once. Prints START HOST as each begins and the host's
                output (escape sequences that could move the cursor or retitle the terminal removed; colours kept
                on a terminal) as each finishes, then one line per host:
                  OK   HOST changes applied (12.3s)     Puppet exit 2
                  OK   HOST no changes (3.1s)           Puppet exit 0
                  FAIL HOST puppet exit 1: Error: ...   any other exit; also unreachable, timed-out, cancelled
                Each run is one host.run_puppet line in $FLEETROLL_HOME/audit.jsonl (exit, changes, duration; never
                the output); the output is kept in $FLEETROLL_HOME/puppet-runs/HOST/. The hosts are audited again
                afterwards so the store has the new run metadata.

                Without --confirm this is a dry run (the plan is printed); without a terminal, --confirm or
                --dry-run is required. Exit status: 0 every run succeeded (or dry run), 1 some host failed or was
                unreachable, 2 usage error, 130 interrupted.

                Examples:
                  fleetroll host-run-puppet t-linux64-ms-001
                  fleetroll host-run-puppet 'ms-[001-004]' --reason 'canary for resolverd-fix' --confirm
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("reason").hasArg().argName("TEXT").desc("why, for the audit log").get());
        o.addOption(Option.builder().longOpt("command").hasArg().argName("PATH")
                .desc("the wrapper on the hosts (default " + RunPuppet.DEFAULT_COMMAND + ")").get());
        o.addOption(Option.builder().longOpt("timeout").hasArg().argName("DURATION")
                .desc("per-host limit for the run (default " + Durations.format(RunPuppet.DEFAULT_TIMEOUT) + ")").get());
        o.addOption(Option.builder().longOpt("confirm").desc("really run Puppet (otherwise a dry run)").get());
        o.addOption(Option.builder().longOpt("dry-run").desc("only show the plan (needed without a terminal when not confirming)").get());
        o.addOption(Option.builder("q").longOpt("quiet").desc("do not print the hosts' output, only the status lines").get());
        o.addOption(Option.builder().longOpt("no-reaudit").desc("do not audit the hosts after the run").get());
        o.addOption(Option.builder().longOpt("json").desc("print the plan and results as one JSON object").get());
        return SshOptions.add(o);
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        if (line.hasOption("confirm") && line.hasOption("dry-run")) {
            throw new UsageError(name() + ": --confirm and --dry-run exclude each other");
        }
        if (line.getArgList().isEmpty()) {
            throw new UsageError(name() + ": name the hosts (HOST_OR_LIST...)");
        }
        Duration timeout = null;
        if (line.hasOption("timeout")) {
            timeout = Durations.tryParse(line.getOptionValue("timeout"));
            if (timeout == null) {
                throw new UsageError(name() + ": --timeout '" + line.getOptionValue("timeout") + "' is not a duration (30m, 1h)");
            }
        }
        List<String> hosts = new Inventory(ctx.workspace()).resolve(line.getArgList());
        boolean json = line.hasOption("json");
        boolean quiet = line.hasOption("quiet") || json;
        RunPuppet.Options options = new RunPuppet.Options(line.getOptionValue("command"), timeout,
                line.getOptionValue("reason"), !line.hasOption("no-reaudit"));
        ConsoleWriteGate gate = new ConsoleWriteGate(ConsoleWriteGate.Context.CLI, line.hasOption("confirm"),
                line.hasOption("dry-run"), ctx.stdinIsTerminal(), null, ctx.out(),
                new PlanFormatter(ctx.colour(), Clock.systemUTC()), !json);
        PuppetRunFormatter formatter = new PuppetRunFormatter(ctx.colour());
        PrintStream out = ctx.out();
        BatchListener live = json ? BatchListener.NONE : new StartLines(out);
        Consumer<PuppetRunResult> each = r -> {
            synchronized (out) {
                if (!quiet) {
                    out.print(formatter.output(r));
                } else if (!json) {
                    out.println(formatter.status(r));
                }
                out.flush();
            }
        };
        Cancellation cancellation = new Cancellation();
        boolean[] interrupted = {false};
        Runnable restore = Interrupts.onSigint(() -> {
            interrupted[0] = true;
            cancellation.cancel("interrupted");
        });
        WriteContext wctx = null;
        PuppetRunReport report;
        try {
            wctx = WriteContext.of(DefaultFleet.open(ctx.workspace(), SshOptions.fleetOptions(line, name(), false)), ctx.env());
            report = new RunPuppet(wctx).run(hosts, options, gate, live, cancellation, each);
        } finally {
            restore.run();
            if (wctx != null) {
                wctx.fleet().close();
            }
        }
        if (json) {
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(PuppetRunFormatter.toJson(report)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            if (report.performed()) {
                out.print(formatter.render(report, !quiet)); // --quiet printed each status line as the host ended
            }
            out.println("Audit log: " + wctx.auditLog().file());
        }
        if (interrupted[0]) {
            ctx.err().println("fleetroll: interrupted; hosts not yet run were cancelled");
            return Cli.INTERRUPTED;
        }
        return report.allOk() ? Cli.OK : Cli.FAILED;
    }

    /** {@code Running puppet on N hosts...} and a {@code START host} line as each begins; quiet for the re-audit after. */
    private static final class StartLines implements BatchListener {
        private final PrintStream out;
        private final AtomicInteger batches = new AtomicInteger();

        StartLines(PrintStream out) {
            this.out = out;
        }

        @Override
        public void started(int total) {
            if (batches.incrementAndGet() == 1) {
                synchronized (out) {
                    out.println("Running puppet on " + total + " host" + (total == 1 ? "" : "s") + "...");
                    out.flush();
                }
            }
        }

        @Override
        public void hostStarted(String host) {
            if (batches.get() == 1) {
                synchronized (out) {
                    out.println("START " + host);
                    out.flush();
                }
            }
        }
    }
}
