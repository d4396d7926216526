package dev.fleetroll.console.cli;

import dev.fleetroll.console.render.GatherFormatter;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ops.GatherTaskcluster;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll gather-tc}: what Taskcluster says about each host's worker, stored per host. */
final class GatherTcCommand implements Command {

    @Override
    public String name() {
        return "gather-tc";
    }

    @Override
    public String summary() {
        return "read each host's Taskcluster worker (activity, latest task, quarantine) and store it";
    }

    @Override
    public String arguments() {
        return "[HOST_OR_LIST...]";
    }

    @Override
    public String description() {
        return """
                Maps each host to its Taskcluster pool (its Puppet role from the last audit through
                taskcluster.roles, or its override's WORKER_TYPE_OVERRIDE), lists every pool once through
                worker-manager (all pages; pools concurrently), and stores the worker whose id is the host's short
                name: state, last activity, latest task and its run, quarantine and its reason. Hosts Taskcluster
                does not list are stored as absent; hosts whose role maps to no pool are stored as 'no pool' and
                named. A pool that cannot be listed (after retries) is reported and its hosts keep their old record;
                the other pools are still stored. Without arguments: every host in the store.

                Reads need no credentials. The monitor columns TC_ACT, TC_T_DUR, TC_QUAR and HEALTHY and the DSL's
                tc/quarantined/healthy come from what this stores. Configuration: taskcluster.root_url,
                taskcluster.roles, taskcluster.active_within (see README, Configuration).

                Exit status: 0 every pool listed, 1 some pool failed, 2 usage error.

                Examples:
                  fleetroll gather-tc
                  fleetroll gather-tc linux/1804 --json
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("json").desc("print one JSON document: the stored records and the errors").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        try (Fleet fleet = DefaultFleet.open(ctx.workspace())) {
            List<String> hosts = line.getArgList().isEmpty() ? fleet.knownHosts()
                    : new dev.fleetroll.inventory.Inventory(ctx.workspace()).resolve(line.getArgList());
            if (hosts.isEmpty()) {
                throw new UsageError(name() + ": no hosts in the store yet; audit some first (fleetroll gather-host LIST)"
                        + " or name them");
            }
            GatherTaskcluster.Report report = fleet.gatherTaskcluster(hosts);
            ctx.out().print(line.hasOption("json") ? GatherFormatter.json(report) : GatherFormatter.text(report));
            return report.poolErrors().isEmpty() ? Cli.OK : Cli.FAILED;
        }
    }
}
