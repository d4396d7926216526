package dev.fleetroll.console.cli;

import dev.fleetroll.console.render.GatherFormatter;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ops.GatherGithub;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll gather-gh}: the heads of the branches hosts should run, from GitHub. */
final class GatherGhCommand implements Command {

    @Override
    public String name() {
        return "gather-gh";
    }

    @Override
    public String summary() {
        return "fetch the heads of the Puppet branches hosts follow from GitHub (the expected sha)";
    }

    @Override
    public String description() {
        return """
                Collects the branches hosts should run - PUPPET_REPO and PUPPET_BRANCH of every override the
                store has seen on a host, plus github.default_branch for hosts without one - and fetches each
                repository's branch heads once (every page; repositories concurrently). A repository fetched
                within github.refresh_every (default 1h) is skipped unless --force. GitHub's rate limit is
                respected: a short wait is waited out, a long one is an error naming when it resets.

                The token comes from $GITHUB_TOKEN or github.token_file; without one GitHub allows 60 requests an
                hour. The monitor's PP_EXP, PP_MATCH and HEALTHY come from what this stores.

                Exit status: 0 every repository read (or fresh), 1 some failed, 2 usage error.

                Examples:
                  fleetroll gather-gh
                  fleetroll gather-gh --force
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("force").desc("fetch even repositories fetched within github.refresh_every").get());
        o.addOption(Option.builder().longOpt("json").desc("print one JSON document").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        if (!line.getArgList().isEmpty()) {
            throw new UsageError(name() + " takes no arguments (it fetches the branches the stored hosts follow)");
        }
        try (Fleet fleet = DefaultFleet.open(ctx.workspace())) {
            GatherGithub.Report report = fleet.gatherGithub(line.hasOption("force"));
            ctx.out().print(line.hasOption("json") ? GatherFormatter.json(report) : GatherFormatter.text(report));
            return report.failed().isEmpty() ? Cli.OK : Cli.FAILED;
        }
    }
}
