package dev.fleetroll.console.cli;

import dev.fleetroll.UserError;
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
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.inventory.NodeSet;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ops.write.WriteSource;
import dev.fleetroll.sandbox.FleetPlan;
import dev.fleetroll.state.Observation;
import dev.fleetroll.state.Verdicts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    static final String DEMO_SCRIPT = "scripts/demo.groovy";
    /** The jar's copy of {@code scripts/demo.groovy} (console/pom.xml copies it in), for runs outside a checkout. */
    static final String BUNDLED_SCRIPT = "/dev/fleetroll/console/demo.groovy";

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

    /** Sandbox hosts whose stored state says the override is not applied (no network: the script just audited). */
    static List<String> notApplied(CliContext ctx) {
        ctx.reloadWorkspace();
        Workspace ws = ctx.workspace();
        try (Fleet fleet = DefaultFleet.open(ws)) {
            List<String> hosts = new Inventory(ws).resolve(List.of("sandbox"));
            return fleet.latest(hosts).values().stream()
                    .filter(o -> o.ok() && !Verdicts.applied(o.override(), o.puppet()))
                    .map(Observation::host).toList();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Runs the demo script as a dry run against the sandbox: the checkout's {@code scripts/demo.groovy}, or outside a
     * checkout the copy bundled in the jar, given the example override written under {@code $FLEETROLL_HOME/demo/}.
     * Returns the script's exit status.
     */
    static int runDemoScript(CliContext ctx, WriteSource override) {
        Path project = ctx.workspace().projectDir();
        Path checkoutScript = project == null ? null : project.resolve(DEMO_SCRIPT);
        String label;
        String text;
        List<String> args;
        if (checkoutScript != null && Files.isRegularFile(checkoutScript)) {
            label = checkoutScript.toString();
            text = RunCommand.read(label);
            args = List.of();
        } else {
            label = DEMO_SCRIPT + " (bundled)";
            text = bundledScript();
            args = List.of("sandbox", writeOverrideCopy(ctx.workspace().home(), override).toString());
        }
        ctx.out().println("$ fleetroll run " + DEMO_SCRIPT + " --dry-run");
        try (DslSession session = DslSessions.forScript(ctx, args, ConsoleWriteGate.Context.SCRIPT, false, true)) {
            return new ScriptRunner(session, ctx.err(), ctx.debug(), Interrupts::onSigint).run(text, label, false, null);
        }
    }

    private static String bundledScript() {
        try (InputStream in = DemoCommand.class.getResourceAsStream(BUNDLED_SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + BUNDLED_SCRIPT + "; rebuild fleetroll");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The example override as a file the bundled script can read ({@code file(...)}), under the home's demo/. */
    private static Path writeOverrideCopy(FleetrollHome home, WriteSource override) {
        Path file = home.dir().resolve("demo").resolve("netperf-tuning.override");
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, override.bytes());
        } catch (IOException e) {
            throw new UserError("demo: cannot write " + file + ": " + e.getMessage()
                    + "; check that FLEETROLL_HOME is writable");
        }
        return file;
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
        WriteSource override = exampleOverride(ctx);
        int audit = runDemoScript(ctx, override);
        out.println();
        out.println(SandboxCommand.memoryLine(st));
        out.println();
        List<String> need = notApplied(ctx);
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
}
