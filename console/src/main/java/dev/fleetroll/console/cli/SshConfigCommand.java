package dev.fleetroll.console.cli;

import dev.fleetroll.UserError;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.ssh.ResolvedHost;
import dev.fleetroll.ssh.SshEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll ssh-config HOST}: what fleetroll resolved from the OpenSSH client configuration for a host. */
final class SshConfigCommand implements Command {
    @Override
    public String name() {
        return "ssh-config";
    }

    @Override
    public String summary() {
        return "show how the ssh client configuration resolves for a host (like ssh -G)";
    }

    @Override
    public String arguments() {
        return "HOST";
    }

    @Override
    public String description() {
        return """
                Prints the directives fleetroll takes from the OpenSSH client configuration for HOST, in the
                style of 'ssh -G HOST' (lower-case keywords): user, hostname, port, identitiesonly,
                stricthostkeychecking, hostkeyalias, identityfile, userknownhostsfile, connecttimeout, proxyjump.
                stricthostkeychecking and connecttimeout show the values fleetroll will use (the ssh config's,
                else fleetroll's ssh.strict_host_key_checking and ssh.connect_timeout); every other line matches
                'ssh -G'. The configuration is ssh.config_file (default ~/.ssh/config, then /etc/ssh/ssh_config),
                or only FILE with -F.

                Examples:
                  fleetroll ssh-config t-linux64-ms-238.test.releng.mdc1.mozilla.com
                  fleetroll ssh-config -F ./ssh_config bastion
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder("F").argName("FILE").hasArg().desc("read only this ssh client configuration file").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        List<String> args = line.getArgList();
        if (args.size() != 1) {
            throw new UsageError("ssh-config: give exactly one HOST (see 'fleetroll ssh-config --help')");
        }
        Workspace ws = ctx.workspace();
        Path file = null;
        if (line.hasOption("F")) {
            file = Path.of(line.getOptionValue("F"));
            if (!Files.isRegularFile(file)) {
                throw new UserError("ssh-config: cannot read ssh config " + file + " (no such file)");
            }
        }
        ResolvedHost r = SshEngine.resolver(ws, file).resolve(args.get(0));
        String policy = r.effectiveStrictHostKeyChecking(ws.config().ssh().strictHostKeyChecking());
        Duration timeout = r.effectiveConnectTimeout(ws.config().ssh().connectTimeout());
        for (String l : r.sshGLines()) {
            if (l.startsWith("stricthostkeychecking ")) {
                l = "stricthostkeychecking " + switch (policy.toLowerCase(Locale.ROOT)) {
                    case "yes", "true" -> "true";
                    case "no", "false", "off" -> "false";
                    default -> policy.toLowerCase(Locale.ROOT);
                };
            } else if (l.startsWith("connecttimeout ")) {
                l = "connecttimeout " + Math.max(0, timeout.toSeconds());
            }
            ctx.out().println(l);
        }
        if (r.problem() != null) {
            ctx.err().println("fleetroll: " + r.problem());
            return Cli.FAILED;
        }
        return Cli.OK;
    }
}
