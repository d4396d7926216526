package dev.fleetroll.rollout;

import java.time.Instant;
import java.util.List;

/**
 * One assessment of a stage's gate: for each host of the stage whether it passed and, when not, why (the conditions
 * it failed, or that it could not be audited: a host rebooting or unreachable fails the gate, never passes it).
 * The stage passes when at most {@code maxFailures} hosts failed.
 */
public record GateResult(String query, int maxFailures, Instant assessedAt, List<HostGate> hosts) {
    public GateResult {
        hosts = List.copyOf(hosts);
    }

    /** One host's verdict. */
    public record HostGate(String host, boolean pass, String detail) {}

    public List<String> failing() {
        return hosts.stream().filter(h -> !h.pass()).map(HostGate::host).toList();
    }

    public boolean passed() {
        return failing().size() <= maxFailures;
    }

    /** {@code gate 'applied=y': 3/4 hosts pass, 1 fails (max 0): ms-004 (applied is N)}. */
    public String summary() {
        List<HostGate> bad = hosts.stream().filter(h -> !h.pass()).toList();
        StringBuilder b = new StringBuilder("gate '").append(query).append("': ").append(hosts.size() - bad.size())
                .append('/').append(hosts.size()).append(" hosts pass");
        if (!bad.isEmpty()) {
            b.append(", ").append(bad.size()).append(" fail").append(bad.size() == 1 ? "s" : "").append(" (max ")
                    .append(maxFailures).append("): ");
            b.append(String.join(", ", bad.stream().limit(5).map(h -> h.host() + " (" + h.detail() + ")").toList()));
            if (bad.size() > 5) {
                b.append(", ...");
            }
        }
        return b.toString();
    }
}
