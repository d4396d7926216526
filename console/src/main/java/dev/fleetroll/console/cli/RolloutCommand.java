package dev.fleetroll.console.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fleetroll.console.render.RolloutFormatter;
import dev.fleetroll.console.writes.ConsoleWriteGate;
import dev.fleetroll.console.render.PlanFormatter;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ops.write.WriteContext;
import dev.fleetroll.ops.write.WriteSource;
import dev.fleetroll.rollout.BatchSize;
import dev.fleetroll.rollout.RolloutResult;
import dev.fleetroll.rollout.RolloutStatus;
import dev.fleetroll.rollout.RolloutStore;
import dev.fleetroll.rollout.Rollouts;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.util.Durations;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code fleetroll rollout start|status|advance|pause|resume|rollback|finalize|list}: thin wrappers over
 * {@link Rollouts}. Host-changing subcommands are dry runs unless {@code --confirm}, like every write.
 */
final class RolloutCommand implements Command {
    static final List<String> SUBCOMMANDS = List.of("start", "status", "advance", "pause", "resume", "rollback", "finalize",
            "list");

    @Override
    public String name() {
        return "rollout";
    }

    @Override
    public String summary() {
        return "staged rollouts of an override: start, status, advance past gates, pause, resume, rollback, finalize, list";
    }

    @Override
    public String arguments() {
        return "start|status|advance|pause|resume|rollback|finalize|list [NAME] [HOST_OR_LIST...]";
    }

    @Override
    public String description() {
        return """
                A rollout pushes one override file to its target hosts in stages (a canary, then batches), runs
                Puppet on each stage's hosts, and moves on only when the stage passes its gate. The gate is a
                monitor query every host of the stage must meet after the soak time (e.g. 'applied=y healthy=y');
                the hosts are audited again first, and one that cannot be audited (unreachable, rebooting) or that
                rebooted since its stage was applied fails it. At most --max-failures hosts of a stage may fail.
                A failing gate pauses the rollout; advance --force --reason '...' overrides it, and the audit log
                records the gate's configuration and state, forced and the reason.

                The rollout lives in the store ($FLEETROLL_HOME/fleetroll.db): it survives the console closing or a
                crash, and every console sees the same one. One command at a time changes it: a second advance while
                one runs is told who is at it. A Ctrl-C mid-stage leaves what was done recorded; advance again to
                finish the stage.

                  start NAME HOST_OR_LIST... --override FILE [--canary HOSTS] [--batches 10%,25%,rest]
                        [--gate QUERY] [--soak 30m] [--max-failures N] [--skip HOSTS] [--no-puppet]
                      checks everything first (gate columns, override file); refuses while a target has another
                      override (name it in --skip); pushes to the first stage
                  status NAME [--json]     stages, gate results, problem hosts, recent events
                  advance NAME [--force --reason TEXT]
                                           assess the current stage's gate; if it passes, apply the next stage
                  pause NAME [--reason T]  stop advancing;  resume NAME: allow it again
                  rollback NAME [--run-puppet]
                                           take the override back from the hosts that got it (a host that had
                                           another override gets that back), optionally run Puppet
                  finalize NAME            after the branch is merged: remove the override from every target
                                           (irreversible; backups stay on the hosts)
                  list [--json]            every rollout

                start, advance, rollback and finalize print what they will do and change nothing without
                --confirm (no terminal: --confirm or --dry-run is required). Exit status: 0 ok (or dry run), 1 a
                gate failed or hosts failed, 2 usage error or the rollout is busy, 130 interrupted.

                Examples:
                  fleetroll rollout start resolverd-1804 linux/1804 --override configs/overrides/resolverd.override \\
                      --canary t-linux64-ms-001 --batches 10%,25%,rest --gate 'applied=y healthy=y' --soak 30m --confirm
                  fleetroll rollout status resolverd-1804
                  fleetroll rollout advance resolverd-1804 --confirm
                  fleetroll rollout advance resolverd-1804 --force --reason 'ms-016 has a known disk fault' --confirm
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("override").hasArg().argName("FILE").desc("start: the override file to roll out").get());
        o.addOption(Option.builder().longOpt("canary").hasArg().argName("HOSTS").desc("start: the first stage's hosts (node set or list)").get());
        o.addOption(Option.builder().longOpt("batches").hasArg().argName("SIZES")
                .desc("start: stage sizes after the canary: counts, percentages of the targets, rest (default rest)").get());
        o.addOption(Option.builder().longOpt("gate").hasArg().argName("QUERY")
                .desc("start: the monitor query every host of a stage must meet (default " + Rollouts.DEFAULT_GATE + ")").get());
        o.addOption(Option.builder().longOpt("soak").hasArg().argName("DURATION").desc("start: wait after each stage before assessing it (default 0)").get());
        o.addOption(Option.builder().longOpt("max-failures").hasArg().argName("N").desc("start: hosts per stage that may fail the gate (default 0)").get());
        o.addOption(Option.builder().longOpt("skip").hasArg().argName("HOSTS").desc("start: targets to leave out").get());
        o.addOption(Option.builder().longOpt("no-puppet").desc("start: do not run Puppet after each push").get());
        o.addOption(Option.builder().longOpt("force").desc("advance: past a failing gate, the soak or a pause (needs --reason)").get());
        o.addOption(Option.builder().longOpt("reason").hasArg().argName("TEXT").desc("why (audit log)").get());
        o.addOption(Option.builder().longOpt("run-puppet").desc("rollback: run Puppet on the hosts afterwards").get());
        o.addOption(Option.builder().longOpt("confirm").desc("really change hosts (otherwise a dry run)").get());
        o.addOption(Option.builder().longOpt("dry-run").desc("only show what would happen").get());
        o.addOption(Option.builder().longOpt("json").desc("status, list: JSON").get());
        return SshOptions.add(o);
    }

    @Override
    public int run(CommandLine line, CliContext ctx) throws Exception {
        List<String> args = new ArrayList<>(line.getArgList());
        if (args.isEmpty() || !SUBCOMMANDS.contains(args.get(0))) {
            throw new UsageError("rollout: give a subcommand: " + String.join(", ", SUBCOMMANDS)
                    + (args.isEmpty() ? "" : " (not '" + args.get(0) + "')"));
        }
        String sub = args.remove(0);
        if (line.hasOption("confirm") && line.hasOption("dry-run")) {
            throw new UsageError("rollout " + sub + ": --confirm and --dry-run exclude each other");
        }
        String name = null;
        if (!sub.equals("list")) {
            if (args.isEmpty()) {
                throw new UsageError("rollout " + sub + ": name the rollout (fleetroll rollout list shows them)");
            }
            name = args.remove(0);
        }
        if (!sub.equals("start") && !args.isEmpty()) {
            throw new UsageError("rollout " + sub + ": unexpected argument '" + args.get(0) + "'");
        }
        RolloutFormatter formatter = new RolloutFormatter(Clock.systemUTC());
        boolean json = line.hasOption("json");
        Cancellation cancellation = new Cancellation();
        boolean[] interrupted = {false};
        Runnable restore = Interrupts.onSigint(() -> {
            interrupted[0] = true;
            cancellation.cancel("interrupted");
        });
        ConsoleWriteGate gate = new ConsoleWriteGate(ConsoleWriteGate.Context.CLI, line.hasOption("confirm"),
                line.hasOption("dry-run"), ctx.stdinIsTerminal(), null, ctx.out(),
                new PlanFormatter(ctx.colour(), Clock.systemUTC()), true);
        BatchListener progress = ProgressLine.forTerminal(ctx, "working");
        try (Fleet fleet = DefaultFleet.open(ctx.workspace(), SshOptions.fleetOptions(line, name(), false))) {
            WriteContext wctx = WriteContext.of(fleet, ctx.env());
            Rollouts rollouts = new Rollouts(wctx, RolloutStore.of(fleet));
            RolloutResult result = null;
            switch (sub) {
                case "list" -> {
                    List<RolloutStatus> all = rollouts.list();
                    if (json) {
                        print(ctx, all.stream().map(RolloutFormatter::toJson).toList());
                    } else if (all.isEmpty()) {
                        ctx.out().println("no rollouts yet (fleetroll rollout start ...)");
                    } else {
                        all.forEach(s -> ctx.out().println(formatter.line(s)));
                    }
                    return Cli.OK;
                }
                case "status" -> {
                    RolloutStatus s = rollouts.status(name);
                    if (json) {
                        print(ctx, RolloutFormatter.toJson(s));
                    } else {
                        ctx.out().print(formatter.status(s));
                    }
                    return Cli.OK;
                }
                case "pause" -> {
                    ctx.out().print(formatter.status(rollouts.pause(name, line.getOptionValue("reason"))));
                    return Cli.OK;
                }
                case "resume" -> {
                    ctx.out().print(formatter.status(rollouts.resume(name)));
                    return Cli.OK;
                }
                case "start" -> result = rollouts.start(definition(name, args, line, ctx), gate, progress, cancellation);
                case "advance" -> result = rollouts.advance(name, line.hasOption("force"), line.getOptionValue("reason"),
                        gate, progress, cancellation);
                case "rollback" -> result = rollouts.rollback(name, line.hasOption("run-puppet"),
                        line.getOptionValue("reason"), gate, progress, cancellation);
                case "finalize" -> result = rollouts.finalizeRollout(name, line.getOptionValue("reason"), gate, progress,
                        cancellation);
                default -> throw new IllegalStateException(sub);
            }
            ProgressLine.finish(progress);
            ctx.out().print(formatter.result(result));
            if (result.status() != null && result.performed() || result.gate() != null && !result.ok()) {
                ctx.out().print(formatter.status(result.status()));
            }
            if (interrupted[0]) {
                ctx.err().println("fleetroll: interrupted; what was done is recorded: fleetroll rollout advance " + name
                        + " finishes the stage");
                return Cli.INTERRUPTED;
            }
            return result.ok() ? Cli.OK : Cli.FAILED;
        } finally {
            ProgressLine.finish(progress);
            restore.run();
        }
    }

    private Rollouts.Definition definition(String name, List<String> hostArgs, CommandLine line, CliContext ctx) {
        if (hostArgs.isEmpty()) {
            throw new UsageError("rollout start " + name + ": name the target hosts (HOST_OR_LIST...)");
        }
        String override = line.getOptionValue("override");
        if (override == null) {
            throw new UsageError("rollout start " + name + ": --override FILE is required");
        }
        Inventory inv = new Inventory(ctx.workspace());
        List<String> targets = inv.resolve(hostArgs);
        List<String> canary = line.hasOption("canary") ? inv.resolve(List.of(line.getOptionValue("canary"))) : List.of();
        Map<String, String> skip = new LinkedHashMap<>();
        if (line.hasOption("skip")) {
            inv.resolve(List.of(line.getOptionValue("skip"))).forEach(h -> skip.put(h, "skipped with --skip"));
        }
        List<BatchSize> batches = line.hasOption("batches")
                ? Arrays.stream(line.getOptionValue("batches").split(",")).map(BatchSize::parse).toList()
                : List.of(BatchSize.REST);
        Duration soak = Duration.ZERO;
        if (line.hasOption("soak")) {
            soak = Durations.tryParse(line.getOptionValue("soak"));
            if (soak == null) {
                throw new UsageError("rollout start: --soak '" + line.getOptionValue("soak") + "' is not a duration (30m, 1h)");
            }
        }
        int maxFailures = 0;
        if (line.hasOption("max-failures")) {
            try {
                maxFailures = Integer.parseInt(line.getOptionValue("max-failures"));
            } catch (NumberFormatException e) {
                throw new UsageError("rollout start: --max-failures must be a number, not '" + line.getOptionValue("max-failures") + "'");
            }
        }
        return new Rollouts.Definition(name, targets, skip, WriteSource.file(Path.of(override)), canary, batches,
                line.getOptionValue("gate"), soak, maxFailures, !line.hasOption("no-puppet"));
    }

    private static void print(CliContext ctx, Object value) throws IOException {
        ctx.out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value));
    }
}
