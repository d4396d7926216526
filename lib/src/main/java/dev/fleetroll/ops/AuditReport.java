package dev.fleetroll.ops;

import dev.fleetroll.state.Observation;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The outcome of auditing a set of hosts: one observation per host (in input order, failed ones included — they
 * are stored too), and the distinct override contents seen with the hosts that carry each.
 *
 * @param overrides override sha256 -> hosts carrying it (content is in the override content store)
 */
public record AuditReport(List<Observation> observations, Map<String, List<String>> overrides, Duration elapsed) {
    public AuditReport {
        observations = List.copyOf(observations);
        overrides = Map.copyOf(overrides);
    }

    public List<Observation> ok() {
        return observations.stream().filter(Observation::ok).toList();
    }

    public List<Observation> failed() {
        return observations.stream().filter(o -> !o.ok()).toList();
    }
}
