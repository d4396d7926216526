package dev.fleetroll.console.cli;

import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.console.dsl.DslSession;
import dev.fleetroll.console.dsl.ScriptRunner;
import dev.fleetroll.sandbox.RunningSandbox;
import dev.fleetroll.sandbox.Sandbox;
import dev.fleetroll.sandbox.SandboxException;
import dev.fleetroll.sandbox.SandboxHost;
import dev.fleetroll.sandbox.SandboxStatus;
import dev.fleetroll.sandbox.Scenario;
import java.io.PrintStream;
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
 * {@code fleetroll demo}: the README's first command. Brings up a fresh 12-host sandbox fleet on this machine, audits
 * it with {@code scripts/demo.groovy} (the DSL: {@code hosts('sandbox').audit().show()}) and shows the table, with
 * the commands to try next.
 */
final class DemoCommand implements Command {
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
                in every state the verdicts know. Then audits it over SSH with scripts/demo.groovy and prints the
                monitor table (what every host really runs, whether it applied its override) and what to try next.
                Needs Linux and root. 'fleetroll sandbox down' removes it.
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("hosts").hasArg().argName("N").desc("how many hosts (default 12)").get());
        return o;
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
            out.println("$ fleetroll run scripts/demo.groovy      # hosts('sandbox').audit().show()");
            try (DslSession session = DslSessions.forScript(ctx, List.of(), true)) {
                audit = new ScriptRunner(session, ctx.err(), ctx.debug(), Interrupts::onSigint)
                        .run(RunCommand.read(script.toString()), script.toString(), false, null);
            }
        } else {
            SandboxCommand.printHostTable(out, st.hosts(), false);
        }
        out.println();
        out.println(SandboxCommand.memoryLine(st));
        out.println();
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
