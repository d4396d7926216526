package dev.fleetroll.ops;

import dev.fleetroll.remote.AuditParse;
import dev.fleetroll.state.Observation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The outcome of auditing a set of hosts: one observation per host (in input order, failed ones included — they
 * are stored too), and the distinct override contents seen with the hosts that carry each.
 *
 * @param overrides override sha256 -> hosts carrying it (content is in the override content store)
 * @param reused host -> what its audit took from its last observation because the host reported it unchanged
 *               (see {@link dev.fleetroll.remote.AuditKnown}); hosts that reused nothing are left out
 */
public record AuditReport(List<Observation> observations, Map<String, List<String>> overrides, Duration elapsed,
                          Map<String, Set<AuditParse.Reused>> reused) {
    public AuditReport {
        observations = List.copyOf(observations);
        overrides = Map.copyOf(overrides);
        reused = reused == null ? Map.of() : Map.copyOf(reused);
    }

    /** A report without reuse information. */
    public AuditReport(List<Observation> observations, Map<String, List<String>> overrides, Duration elapsed) {
        this(observations, overrides, elapsed, Map.of());
    }

    public List<Observation> ok() {
        return observations.stream().filter(Observation::ok).toList();
    }

    public List<Observation> failed() {
        return observations.stream().filter(o -> !o.ok()).toList();
    }

    /** What the audit of {@code host} reused (empty for a full audit). */
    public Set<AuditParse.Reused> reused(String host) {
        return reused.getOrDefault(host, Set.of());
    }
}
