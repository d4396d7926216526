package dev.fleetroll.ops;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The outcome of {@link RunPuppet}: one result per host in input order (none for a dry run or a declined one), the
 * re-audit of the hosts that ran, and warnings that did not stop the run.
 */
public record PuppetRunReport(PuppetRunPlan plan, WriteGate.Decision decision, List<PuppetRunResult> hosts,
                              AuditReport reaudit, List<String> warnings, Duration elapsed) {
    public PuppetRunReport {
        hosts = List.copyOf(hosts);
        warnings = List.copyOf(warnings);
    }

    /** True when Puppet actually ran (not a dry run, not declined, not empty). */
    public boolean performed() {
        return decision != null && decision.verdict() == WriteGate.Verdict.WRITE && !hosts.isEmpty();
    }

    public boolean dryRun() {
        return decision != null && decision.verdict() == WriteGate.Verdict.DRY_RUN;
    }

    public List<String> ok() {
        return hosts.stream().filter(PuppetRunResult::ok).map(PuppetRunResult::host).toList();
    }

    public List<String> failed() {
        return hosts.stream().filter(h -> !h.ok()).map(PuppetRunResult::host).toList();
    }

    public List<String> changed() {
        return hosts.stream().filter(PuppetRunResult::changesApplied).map(PuppetRunResult::host).toList();
    }

    public List<String> unreachable() {
        return hosts.stream().filter(PuppetRunResult::unreachable).map(PuppetRunResult::host).toList();
    }

    /** True when every host's run succeeded (vacuously true for dry runs). */
    public boolean allOk() {
        return hosts.stream().allMatch(PuppetRunResult::ok);
    }

    /** {@code run puppet: 5 hosts, 3 ok (2 with changes), 1 failed, 1 unreachable (12.3s)}. */
    public String summary() {
        int n = plan.hosts().size();
        if (n == 0) {
            return "run puppet: no hosts";
        }
        if (!performed()) {
            return "run puppet: " + (dryRun() ? "dry run for " + n + " host" + (n == 1 ? "" : "s") + ", nothing run"
                    : "declined, nothing run");
        }
        var counts = hosts.stream().filter(h -> !h.ok()).collect(Collectors.groupingBy(PuppetRunResult::label,
                java.util.TreeMap::new, Collectors.counting()));
        StringBuilder b = new StringBuilder("run puppet: ").append(n).append(n == 1 ? " host, " : " hosts, ")
                .append(ok().size()).append(" ok (").append(changed().size()).append(" with changes)");
        counts.forEach((k, v) -> b.append(", ").append(v).append(' ').append(k));
        return b.append(String.format(" (%.1fs)", elapsed.toMillis() / 1000.0)).toString();
    }
}
