package dev.fleetroll.console.cli;

import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ops.Freshness;
import dev.fleetroll.ops.FreshnessReport;
import dev.fleetroll.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll data-freshness}: exit 0 when the stored audit, Taskcluster and GitHub data are recent enough. */
final class DataFreshnessCommand implements Command {
    private final Clock clock;

    DataFreshnessCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "data-freshness";
    }

    @Override
    public String summary() {
        return "gate for cron scripts: exit 1 when stored audit, Taskcluster or GitHub data is older than its limit";
    }

    @Override
    public String arguments() {
        return "[HOSTS...]";
    }

    @Override
    public String description() {
        return """
                Checks the stored data about the hosts (default: every host in the store) against age limits and
                prints one line per part; touches no host and no service. For scripts that act on the store:

                  fleetroll data-freshness linux/1804 && fleetroll run scripts/rollout-step.groovy --confirm

                Parts (--parts, default freshness.parts):
                  audit  each host's latest audit, successful or not (an unreachable host audited a minute ago is
                         fresh: we know it is down); limit --max-audit-age (freshness.max_audit_age, 2h)
                  tc     each host's Taskcluster record from gather-tc; --max-tc-age (1h)
                  gh     the head of each branch the hosts follow, from gather-gh; --max-gh-age (2h)
                A host or branch without any data (never audited, never scanned, no head) counts as stale and is
                named. A part is fresh when at least --min-fresh-pct percent of its hosts are (default 100: every
                host; gh: every branch). An empty selection is stale.

                Exit status: 0 every part fresh, 1 some part stale, 2 usage error.
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("max-audit-age").hasArg().argName("DURATION").desc("limit for audits (e.g. 2h, 90m)").get());
        o.addOption(Option.builder().longOpt("max-tc-age").hasArg().argName("DURATION").desc("limit for Taskcluster records").get());
        o.addOption(Option.builder().longOpt("max-gh-age").hasArg().argName("DURATION").desc("limit for GitHub branch heads").get());
        o.addOption(Option.builder().longOpt("min-fresh-pct").hasArg().argName("PCT").desc("share of hosts that must be fresh (0-100)").get());
        o.addOption(Option.builder().longOpt("parts").hasArg().argName("LIST").desc("parts to check, e.g. audit,tc").get());
        o.addOption(Option.builder().longOpt("json").desc("print the report as JSON").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) throws Exception {
        Freshness.Limits defaults = Freshness.Limits.of(ctx.workspace().config().freshness());
        Freshness.Limits limits = new Freshness.Limits(
                duration(line, "max-audit-age", defaults.maxAuditAge()),
                duration(line, "max-tc-age", defaults.maxTcAge()),
                duration(line, "max-gh-age", defaults.maxGhAge()),
                percent(line.getOptionValue("min-fresh-pct"), defaults.minFreshPct()),
                line.hasOption("parts") ? Arrays.stream(line.getOptionValue("parts").split(",")).map(String::strip)
                        .filter(s -> !s.isEmpty()).toList() : defaults.parts());
        FreshnessReport report;
        try (Fleet fleet = DefaultFleet.open(ctx.workspace())) {
            List<String> hosts = line.getArgList().isEmpty() ? fleet.knownHosts()
                    : new Inventory(ctx.workspace()).resolve(line.getArgList());
            report = Freshness.check(fleet, hosts, limits, clock.instant());
        }
        if (line.hasOption("json")) {
            ctx.out().println(AuditLog.json().writerWithDefaultPrettyPrinter().writeValueAsString(json(report)));
        } else {
            report.parts().forEach(p -> ctx.out().println(p.describe()));
        }
        return report.fresh() ? Cli.OK : Cli.FAILED;
    }

    private Duration duration(CommandLine line, String option, Duration dflt) {
        String v = line.getOptionValue(option);
        if (v == null) {
            return dflt;
        }
        Duration d = Durations.tryParse(v);
        if (d == null || d.isZero() || d.isNegative()) {
            throw new UsageError(name() + ": --" + option + " '" + v + "' is not a positive duration (e.g. 30m, 2h, 1d)");
        }
        return d;
    }

    private int percent(String v, int dflt) {
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.strip().replace("%", ""));
            if (n >= 0 && n <= 100) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new UsageError(name() + ": --min-fresh-pct '" + v + "' must be a whole percentage 0..100");
    }

    private static Map<String, Object> json(FreshnessReport r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("fresh", r.fresh());
        doc.put("checked_at", AuditLog.formatTs(r.at()));
        doc.put("hosts", r.hosts());
        Map<String, Object> parts = new LinkedHashMap<>();
        for (FreshnessReport.Part p : r.parts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fresh", p.fresh());
            m.put("limit_s", p.limit().toSeconds());
            m.put("checked", p.checked());
            m.put("fresh_count", p.freshCount());
            m.put("min_fresh_pct", p.minFreshPct());
            m.put("stale", p.stale().stream().map(i -> Map.of("key", i.key(), "age_s", i.age().toSeconds())).toList());
            m.put("missing", p.missing());
            m.put("oldest", p.oldest() == null ? null : Map.of("key", p.oldest().key(), "age_s", p.oldest().age().toSeconds()));
            m.put("message", p.describe());
            parts.put(p.name(), m);
        }
        doc.put("parts", parts);
        return doc;
    }
}
