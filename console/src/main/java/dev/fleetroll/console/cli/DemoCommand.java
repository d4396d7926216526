package dev.fleetroll.console.cli;

import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.sandbox.RunningSandbox;
import dev.fleetroll.sandbox.Sandbox;
import dev.fleetroll.sandbox.SandboxException;
import dev.fleetroll.sandbox.SandboxHost;
import dev.fleetroll.sandbox.SandboxStatus;
import dev.fleetroll.sandbox.Scenario;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code fleetroll demo}: the README's first command. Brings up a fresh 12-host sandbox fleet on this machine and
 * shows it, with the commands to try next.
 */
final class DemoCommand implements Command {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "start a 12-host sandbox fleet of real sshd hosts on this machine and show it";
    }

    @Override
    public String description() {
        return """
                Starts a fresh sandbox fleet (replacing this FLEETROLL_HOME's sandbox): real OpenSSH hosts in their own
                namespaces on 127.x.y.z, Linux and macOS-like, with roles, overrides, vaults and puppet run metadata
                in every state the verdicts know. Prints the fleet and what to try next. Needs Linux and root.
                'fleetroll sandbox down' removes it. Same as 'fleetroll sandbox up 12' with a friendlier report.
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
        SandboxCommand.printHostTable(out, st.hosts(), false);
        out.println();
        out.println(SandboxCommand.memoryLine(st));
        out.println();
        String me = SandboxCommand.launcher(ctx);
        SandboxHost first = sb.hosts().stream().filter(h -> h.scenario() == Scenario.OVERRIDE_APPLIED).findFirst()
                .orElse(sb.hosts().get(0));
        Set<String> commands = Commands.all().stream().map(Command::name).collect(Collectors.toSet());
        out.println("Try next:");
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
        return Cli.OK;
    }
}
