package dev.fleetroll.console.cli;

import dev.fleetroll.console.render.AuditReportFormatter;
import dev.fleetroll.console.render.GatherFormatter;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.ops.AuditReport;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.GatherGithub;
import dev.fleetroll.ops.GatherTaskcluster;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll gather}: everything the verdicts need, in one command: audit, GitHub heads, Taskcluster. */
final class GatherCommand implements Command {

    @Override
    public String name() {
        return "gather";
    }

    @Override
    public String summary() {
        return "audit hosts, then fetch expected shas (GitHub) and worker state (Taskcluster): everything fresh";
    }

    @Override
    public String arguments() {
        return "HOST_OR_LIST...";
    }

    @Override
    public String description() {
        return """
                gather-host, gather-gh and gather-tc in one command, in the order the verdicts need: the audit
                first (roles and overrides decide which branch and which pool a host has), then the heads of the
                branches the hosts follow (skipped when fetched within github.refresh_every, unless --force), then
                the hosts' Taskcluster workers. Prints the three summaries. The DSL's refresh() does the same.

                Exit status: 0 all worked, 1 some host, repository or pool failed, 2 usage error, 130 Ctrl-C.

                Examples:
                  fleetroll gather linux/1804
                  fleetroll gather sandbox --force
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("force").desc("fetch GitHub heads even when fresh").get());
        o.addOption(Option.builder("q").longOpt("quiet").desc("print one line for the audit").get());
        return SshOptions.add(o);
    }

    @Override
    public int run(CommandLine line, CliContext ctx) throws InterruptedException {
        List<String> hosts = new Inventory(ctx.workspace()).resolve(line.getArgList());
        DefaultFleet.Options options = SshOptions.fleetOptions(line, name(), false).withOneShot(true); // one audit round
        Cancellation cancellation = new Cancellation();
        boolean[] stopped = {false};
        Thread main = Thread.currentThread();
        Runnable restore = Interrupts.onSigint(() -> {
            stopped[0] = true;
            cancellation.cancel("interrupted");
            main.interrupt();
        });
        try (DefaultFleet fleet = DefaultFleet.open(ctx.workspace(), options)) {
            BatchListener progress = ProgressLine.forTerminal(ctx, "auditing");
            AuditReport audit;
            try {
                audit = fleet.audit(hosts, progress, cancellation);
            } finally {
                ProgressLine.finish(progress);
            }
            ctx.out().print(line.hasOption("quiet") ? AuditReportFormatter.quiet(audit) + "\n"
                    : new AuditReportFormatter(fleet.overrideContents()).summary(audit));
            if (stopped[0]) {
                ctx.err().println("fleetroll: interrupted after the audit; GitHub and Taskcluster were not asked");
                return Cli.INTERRUPTED;
            }
            GatherGithub.Report gh = fleet.gatherGithub(line.hasOption("force"));
            ctx.out().print(GatherFormatter.text(gh));
            GatherTaskcluster.Report tc = fleet.gatherTaskcluster(hosts);
            ctx.out().print(GatherFormatter.text(tc));
            ctx.out().flush();
            boolean ok = audit.failed().isEmpty() && gh.failed().isEmpty() && tc.poolErrors().isEmpty();
            return ok ? Cli.OK : Cli.FAILED;
        } finally {
            restore.run();
            Thread.interrupted();
        }
    }
}
