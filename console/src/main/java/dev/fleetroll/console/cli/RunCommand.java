package dev.fleetroll.console.cli;

import dev.fleetroll.console.dsl.DslSession;
import dev.fleetroll.console.dsl.ScriptRunner;
import dev.fleetroll.console.writes.ConsoleWriteGate;
import dev.fleetroll.util.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll run FILE [--dry-run | --confirm] [--timeout D] [-- ARGS...]}: runs a saved DSL script. */
final class RunCommand implements Command {
    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "run a Groovy DSL script (writes are dry runs unless --confirm)";
    }

    @Override
    public String arguments() {
        return "FILE [-- ARGS...]";
    }

    @Override
    public String description() {
        return """
                Runs FILE, a Groovy script using the fleetroll DSL (the same language as the console). The script
                sees its arguments as 'args' and 'dryRun' tells it whether writes only say what they would do.
                Writes (setOverride, unsetOverride, setVault) print their plan and write nothing unless --confirm is
                given; without a terminal a write needs --confirm or --dry-run, else it is refused and the script
                stops (fail closed). Nothing prompts; without a terminal there is no colour and no progress line.
                Results go to stdout, summaries and log lines to stderr. Every write, dry run and refusal is in the
                audit log.

                Examples:
                  fleetroll run scripts/audit-all.groovy
                  fleetroll run scripts/rollout-1804.groovy --confirm -- linux/1804 20%

                Exit status: 0 success; 1 the script failed, or a verb had failed hosts that the script did not
                look at (read .failed/.problems or call .ignoreFailures()); 2 usage or compile error
                (FILE:LINE:COL: message); 130 interrupted.
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("dry-run").desc("writes only say what they would do (the default on a terminal; without one, a write needs --dry-run or --confirm)").get());
        o.addOption(Option.builder().longOpt("confirm").desc("writes act").get());
        o.addOption(Option.builder().longOpt("timeout").hasArg().argName("DURATION")
                .desc("stop the script after this long, e.g. 30m").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        List<String> rest = line.getArgList();
        if (rest.isEmpty()) {
            throw new UsageError("run: name a script file (see 'fleetroll run --help')");
        }
        if (line.hasOption("dry-run") && line.hasOption("confirm")) {
            throw new UsageError("run: --dry-run and --confirm contradict each other; give one");
        }
        Duration timeout = null;
        if (line.hasOption("timeout")) {
            timeout = Durations.tryParse(line.getOptionValue("timeout"));
            if (timeout == null || timeout.isZero()) {
                throw new UsageError("run: --timeout '" + line.getOptionValue("timeout") + "' is not a duration (e.g. 30m)");
            }
        }
        String file = rest.get(0);
        String text = read(file);
        try (DslSession session = DslSessions.forScript(ctx, rest.subList(1, rest.size()), ConsoleWriteGate.Context.SCRIPT,
                line.hasOption("confirm"), line.hasOption("dry-run"))) {
            return new ScriptRunner(session, ctx.err(), ctx.debug(), Interrupts::onSigint).run(text, file, false, timeout);
        }
    }

    static String read(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageError("script " + file + " does not exist");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UsageError("cannot read script " + file + ": " + e.getMessage());
        }
    }
}
