package dev.fleetroll.console.cli;

import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.sandbox.RunningSandbox;
import dev.fleetroll.sandbox.Sandbox;
import dev.fleetroll.sandbox.SandboxException;
import dev.fleetroll.sandbox.SandboxHost;
import dev.fleetroll.sandbox.SandboxStatus;
import dev.fleetroll.sandbox.Scenario;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.console.dsl.DslSession;
import dev.fleetroll.console.dsl.ScriptRunner;
import dev.fleetroll.console.writes.ConsoleWriteGate;
import dev.fleetroll.console.writes.PlanFormatter;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.inventory.NodeSet;
import dev.fleetroll.ops.AuditReport;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.SetOverride;
import dev.fleetroll.ops.WriteContext;
import dev.fleetroll.ops.WriteOptions;
import dev.fleetroll.ops.WriteSource;
import dev.fleetroll.sandbox.FleetPlan;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.state.Observation;
import dev.fleetroll.state.Verdicts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code fleetroll demo}: the README's first command. Starts the sandbox, audits it with {@code scripts/demo.groovy}
 * (the DSL: {@code hosts('sandbox').audit().show()}, the monitor table), then shows as a dry run the plan of pushing
 * the example override where it is not applied, and what to try next.
 */
final class DemoCommand implements Command {
    static final String EXAMPLE_OVERRIDE = "configs/overrides/netperf-tuning.override";

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "start a 12-host sandbox fleet of real sshd hosts on this machine, audit it and show the table";
    }

    @Override
    public String description() {
        return """
                Starts a fresh sandbox fleet (replacing this FLEETROLL_HOME's sandbox): real OpenSSH hosts in their own
                namespaces on 127.x.y.z, Linux and macOS-like, with roles, overrides, vaults and puppet run metadata
                in every state the verdicts know. Audits it with scripts/demo.groovy and prints the monitor table, then
                shows, as a dry run, the plan of pushing configs/overrides/netperf-tuning.override to the hosts whose
                override is not applied (hosts('sandbox').audit().where { !applied }.setOverride(...)), and what to
                try next. Needs Linux and root. 'fleetroll sandbox down' removes it.
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("hosts").hasArg().argName("N").desc("how many hosts (default 12)").get());
        return o;
    }

    /** The override the demo plans to push: the project's example, or the same settings when run outside a checkout. */
    static WriteSource exampleOverride(CliContext ctx) {
        Path project = ctx.workspace().projectDir();
        Path file = project == null ? null : project.resolve(EXAMPLE_OVERRIDE);
        if (file != null && Files.isRegularFile(file)) {
            try {
                return new WriteSource(Files.readAllBytes(file), EXAMPLE_OVERRIDE);
            } catch (IOException e) {
                // fall back to the built-in text
            }
        }
        return new WriteSource(FleetPlan.overrideFor(FleetPlan.BRANCH_NETPERF).getBytes(StandardCharsets.UTF_8),
                "netperf-tuning.override (built-in example)");
    }

    /**
     * The headline one-liner as a dry run: audits the fleet, picks the hosts whose override is not applied and prints
     * the plan of pushing {@code override} to them (audited as a dry run). Returns those hosts (null when the audit
     * could not run).
     */
    /** Sandbox hosts whose stored state says the override is not applied (no network: the script just audited). */
    static List<String> notApplied(CliContext ctx) {
        ctx.reloadWorkspace();
        Workspace ws = ctx.workspace();
        try (DefaultFleet fleet = DefaultFleet.open(ws)) {
            List<String> hosts = new Inventory(ws).resolve(List.of("sandbox"));
            return fleet.latest(hosts).values().stream()
                    .filter(o -> o.ok() && !Verdicts.applied(o.override(), o.puppet()))
                    .map(Observation::host).toList();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static List<String> planOverridePush(CliContext ctx, PrintStream out, WriteSource override) {
        ctx.reloadWorkspace(); // the sandbox's drop-in (ssh config, short names) is new
        Workspace ws = ctx.workspace();
        out.println("hosts('sandbox').audit().where { !applied }.setOverride(file('" + override.name()
                + "'), reason: 'demo'), as a dry run:");
        try (DefaultFleet fleet = DefaultFleet.open(ws)) {
            List<String> hosts = new Inventory(ws).resolve(List.of("sandbox"));
            BatchListener progress = ProgressLine.forTerminal(ctx, "auditing");
            AuditReport report;
            try {
                report = fleet.audit(hosts, progress, Cancellation.none());
            } finally {
                ProgressLine.finish(progress);
            }
            List<String> need = report.observations().stream()
                    .filter(o -> o.ok() && !Verdicts.applied(o.override(), o.puppet()))
                    .map(Observation::host).toList();
            if (need.isEmpty()) {
                out.println("  every host has its override applied: nothing to push");
                return need;
            }
            ConsoleWriteGate gate = new ConsoleWriteGate(ConsoleWriteGate.Context.CLI, false, true, ctx.stdinIsTerminal(),
                    null, out, new PlanFormatter(ctx.colour(), Clock.systemUTC()), true);
            new SetOverride(WriteContext.of(fleet, ctx.env())).run(need, override, WriteOptions.DEFAULTS.withReason("demo"),
                    gate, BatchListener.NONE, Cancellation.none());
            return need;
        } catch (RuntimeException e) {
            ctx.err().println("fleetroll: demo: could not plan the override push: " + e.getMessage());
            return null;
        }
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        if (!line.getArgList().isEmpty()) {
            throw new UsageError("demo: takes no arguments (see 'fleetroll demo --help')");
        }
        int n = SandboxCommand.DEFAULT_HOSTS;
        if (line.hasOption("hosts")) {
            try {
                n = Integer.parseInt(line.getOptionValue("hosts"));
            } catch (NumberFormatException e) {
                throw new UsageError("demo: --hosts takes a number, not '" + line.getOptionValue("hosts") + "'");
            }
        }
        Sandbox.requireSupported();
        FleetrollHome home = ctx.workspace().home();
        RunningSandbox sb;
        try {
            sb = SandboxCommand.start(n, null, null, home, ctx);
        } catch (SandboxException e) {
            ctx.err().println("fleetroll: demo: " + e.getMessage());
            return Cli.FAILED;
        }
        SandboxStatus st = sb.status();
        PrintStream out = ctx.out();
        out.printf(Locale.ROOT, "fleetroll demo: %d sandbox hosts, each a real sshd in its own namespaces on this machine"
                + " (up in %.1f s)%n%n", n, sb.upTime().toMillis() / 1000.0);
        ctx.reloadWorkspace(); // the sandbox wrote its host list and SSH settings
        Path script = demoScript(ctx);
        int audit = Cli.OK;
        if (script != null) {
            out.println("$ fleetroll run scripts/demo.groovy --dry-run");
            try (DslSession session = DslSessions.forScript(ctx, List.of(), ConsoleWriteGate.Context.SCRIPT, false, true)) {
                audit = new ScriptRunner(session, ctx.err(), ctx.debug(), Interrupts::onSigint)
                        .run(RunCommand.read(script.toString()), script.toString(), false, null);
            }
        } else {
            SandboxCommand.printHostTable(out, st.hosts(), false);
        }
        out.println();
        out.println(SandboxCommand.memoryLine(st));
        out.println();
        WriteSource override = exampleOverride(ctx);
        List<String> need = script != null ? notApplied(ctx) : planOverridePush(ctx, out, override);
        String me = SandboxCommand.launcher(ctx);
        SandboxHost first = sb.hosts().stream().filter(h -> h.scenario() == Scenario.OVERRIDE_APPLIED).findFirst()
                .orElse(sb.hosts().get(0));
        Set<String> commands = Commands.all().stream().map(Command::name).collect(Collectors.toSet());
        out.println("Try next:");
        out.println("  " + me + "                                   # the console: hosts('sandbox').where { !applied }");
        out.println("  ssh -F " + sb.sshConfig() + " " + first.name() + " 'hostname; cat /etc/puppet_role "
                + first.overridePath() + "'");
        out.println("  " + me + " hosts sandbox --fold");
        for (String c : List.of("gather-host", "host-monitor")) {
            if (commands.contains(c)) {
                out.println("  " + me + " " + c + " sandbox" + (c.equals("host-monitor") ? " --once" : ""));
            }
        }
        if (commands.contains("host-set-override") && need != null && !need.isEmpty()) {
            out.println("  " + me + " host-set-override -f " + override.name() + " '" + NodeSet.fold(need)
                    + "' --reason demo --confirm   # a host with a different override is blocked; --force replaces it");
            out.println("  " + me + " audit-log show");
        }
        out.println("  " + me + " sandbox status");
        out.println("  " + me + " sandbox fault tarpit ms-2        # also stop-sshd, rekey, corrupt-metadata, reboot");
        out.println("  " + me + " sandbox down");
        return audit;
    }

    /** {@code scripts/demo.groovy} of the checkout, or null when fleetroll runs without one. */
    private static Path demoScript(CliContext ctx) {
        Path project = ctx.workspace().projectDir();
        Path script = project == null ? null : project.resolve("scripts").resolve("demo.groovy");
        return script != null && Files.isRegularFile(script) ? script : null;
    }
}
