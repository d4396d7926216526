package dev.fleetroll.ops.write;

import dev.fleetroll.ops.AuditReport;
import dev.fleetroll.ops.WriteGate;
import dev.fleetroll.ops.WritePlan;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The outcome of a write over a set of hosts. {@code ok} (changed or unchanged) and {@code failed} (blocked,
 * failed or unreachable) partition the hosts; the other lists split them further. A dry run, a declined
 * confirmation or an empty host set touches no host and has no per-host results.
 *
 * @param reaudit the re-audit of the touched hosts after the write; null when skipped or nothing was written
 * @param warnings things that did not stop the write (a re-audit that failed, ...)
 */
public record WriteResults(WritePlan plan, WriteGate.Decision decision, List<HostWrite> hosts, AuditReport reaudit,
                           List<String> warnings, Duration elapsed) {
    public WriteResults {
        hosts = List.copyOf(hosts);
        warnings = List.copyOf(warnings);
    }

    /** True when hosts were actually written to (not a dry run, not declined, not empty). */
    public boolean performed() {
        return decision != null && decision.verdict() == WriteGate.Verdict.WRITE && !hosts.isEmpty();
    }

    public boolean dryRun() {
        return decision != null && decision.verdict() == WriteGate.Verdict.DRY_RUN;
    }

    public boolean declined() {
        return decision != null && decision.verdict() == WriteGate.Verdict.DECLINED;
    }

    public List<String> with(WriteOutcome o) {
        return hosts.stream().filter(h -> h.outcome() == o).map(HostWrite::host).toList();
    }

    public List<String> ok() {
        return hosts.stream().filter(h -> h.outcome().ok()).map(HostWrite::host).toList();
    }

    /** Every host that did not end ok: blocked, failed and unreachable. */
    public List<String> failed() {
        return hosts.stream().filter(h -> !h.outcome().ok()).map(HostWrite::host).toList();
    }

    public List<String> changed() {
        return with(WriteOutcome.CHANGED);
    }

    public List<String> unchanged() {
        return with(WriteOutcome.UNCHANGED);
    }

    public List<String> blocked() {
        return with(WriteOutcome.BLOCKED);
    }

    public List<String> unreachable() {
        return with(WriteOutcome.UNREACHABLE);
    }

    /** True when every host ended ok (vacuously true for dry runs and empty sets). */
    public boolean allOk() {
        return hosts.stream().allMatch(h -> h.outcome().ok());
    }

    public Map<WriteOutcome, Integer> counts() {
        Map<WriteOutcome, Integer> m = new EnumMap<>(WriteOutcome.class);
        for (WriteOutcome o : WriteOutcome.values()) {
            m.put(o, 0);
        }
        hosts.forEach(h -> m.merge(h.outcome(), 1, Integer::sum));
        return m;
    }

    /** One line: {@code set override: 5 hosts, 3 changed, 1 unchanged, 1 blocked, 0 failed, 0 unreachable (2.1s)}. */
    public String summary() {
        String what = plan == null ? "write" : plan.action().title();
        int n = plan == null ? hosts.size() : plan.hosts().size();
        if (n == 0) {
            return what + ": no hosts";
        }
        if (dryRun()) {
            return what + ": dry run for " + n + " host" + (n == 1 ? "" : "s") + ", nothing written";
        }
        if (declined()) {
            return what + ": declined, nothing written";
        }
        String counts = counts().entrySet().stream().map(e -> e.getValue() + " " + e.getKey().label())
                .collect(Collectors.joining(", "));
        return what + ": " + n + " host" + (n == 1 ? "" : "s") + ", " + counts
                + String.format(" (%.1fs)", elapsed.toMillis() / 1000.0);
    }
}
