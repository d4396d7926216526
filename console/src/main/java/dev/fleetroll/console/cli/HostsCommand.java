package dev.fleetroll.console.cli;

import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.inventory.NodeSet;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll hosts}: shows what host lists, node sets and short names resolve to. */
final class HostsCommand implements Command {
    @Override
    public String name() {
        return "hosts";
    }

    @Override
    public String summary() {
        return "resolve host lists, node sets and short names to host names";
    }

    @Override
    public String arguments() {
        return "[HOST_OR_LIST...]";
    }

    @Override
    public String description() {
        return """
                Prints the hosts that the arguments resolve to, one per line, naturally sorted and de-duplicated.
                An argument is a host-list name (linux/1804), a list file, a node set (t-linux64-ms-[001-040],
                w[1-3,7], a[1-9]!a5) or a host; short names go through the configured expansions.
                With no arguments, --lists is implied.

                Examples:
                  fleetroll hosts linux/1804 --count
                  fleetroll hosts 'ms-[001-004,009]' --fold
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("fold").desc("print one folded node set instead of one host per line").get());
        o.addOption(Option.builder("c").longOpt("count").desc("print only the number of hosts").get());
        o.addOption(Option.builder("l").longOpt("lists").desc("list the known host-list names and where they are searched").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        Inventory inventory = new Inventory(ctx.workspace());
        List<String> args = line.getArgList();
        if (line.hasOption("lists") || args.isEmpty()) {
            for (String name : inventory.listNames()) {
                ctx.out().println(name);
            }
            if (ctx.stdoutIsTerminal()) {
                ctx.err().println("(searched " + inventory.listDirectories() + ")");
            }
            return Cli.OK;
        }
        List<String> hosts = inventory.resolve(args);
        if (line.hasOption("count")) {
            ctx.out().println(hosts.size());
        } else if (line.hasOption("fold")) {
            ctx.out().println(NodeSet.fold(hosts));
        } else {
            hosts.forEach(ctx.out()::println);
        }
        return Cli.OK;
    }
}
