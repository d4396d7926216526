package dev.fleetroll.console.cli;

import dev.fleetroll.remote.AuditScript;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll debug-host-script}: prints the audit script, or the exact command line sent over SSH. */
final class DebugHostScriptCommand implements Command {
    @Override
    public String name() {
        return "debug-host-script";
    }

    @Override
    public String summary() {
        return "print the audit script that runs on each host";
    }

    @Override
    public String description() {
        return """
                Prints the POSIX sh audit script fleetroll runs on every host (as root: for other login users the
                SSH layer adds sudo -n). Output protocol: a 'FLEETROLL_AUDIT v2' line, KEY=value lines, 'END'.
                With --wrap, prints the exact command line passed to ssh, so a host can be checked by hand:

                  ssh HOST "$(fleetroll debug-host-script --wrap)"
                  ssh HOST sudo -n "$(fleetroll debug-host-script --wrap)"

                --fetch-vault adds the vault file's content (a secret) to the output, base64-encoded.
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("wrap").desc("print the sh -c '...' command line passed to ssh").get());
        o.addOption(Option.builder().longOpt("fetch-vault").desc("include the vault file's content (a secret) in the output").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        if (!line.getArgList().isEmpty()) {
            throw new UsageError(name() + ": takes no arguments (see 'fleetroll " + name() + " --help')");
        }
        AuditScript script = AuditScript.of(line.hasOption("fetch-vault"));
        if (line.hasOption("wrap")) {
            ctx.out().println(script.wrapped());
        } else {
            ctx.out().print(script.text());
        }
        ctx.out().flush();
        return Cli.OK;
    }
}
