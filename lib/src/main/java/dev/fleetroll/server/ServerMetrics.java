package dev.fleetroll.server;

import dev.fleetroll.monitor.FleetSummary;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's Prometheus metrics ({@code /metrics}, text format 0.0.4): hosts by verdict (from the one
 * {@link FleetSummary}), the scanner's role, scan counts and last durations by kind, SSH outcomes of the scanner's
 * audits, and API requests by route and status.
 */
final class ServerMetrics {
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> scans = new ConcurrentHashMap<>();
    private final Map<String, Double> scanSeconds = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> sshOutcomes = new ConcurrentHashMap<>();

    void request(String route, int status) {
        requests.computeIfAbsent(route + "\n" + status, k -> new LongAdder()).increment();
    }

    void scan(String kind, boolean ok, Duration took) {
        scans.computeIfAbsent(kind + "\n" + (ok ? "ok" : "failed"), k -> new LongAdder()).increment();
        scanSeconds.put(kind, took.toNanos() / 1e9);
    }

    void sshOutcome(String outcome) {
        sshOutcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    /** The metrics page. */
    String render(FleetSummary s, boolean scanner) {
        StringBuilder b = new StringBuilder();
        b.append("# HELP fleetroll_hosts Hosts in the store by verdict (total: all watched hosts).\n");
        b.append("# TYPE fleetroll_hosts gauge\n");
        Map<String, Integer> verdicts = new java.util.LinkedHashMap<>();
        verdicts.put("total", s.total());
        verdicts.put("never_audited", s.neverAudited());
        verdicts.put("unreachable", s.unreachable());
        verdicts.put("puppet_failed", s.puppetFailed());
        verdicts.put("not_applied", s.notApplied());
        verdicts.put("unhealthy", s.unhealthy());
        verdicts.put("quarantined", s.quarantined());
        verdicts.put("noted", s.noted());
        verdicts.forEach((k, v) -> b.append("fleetroll_hosts{verdict=\"").append(k).append("\"} ").append(v).append('\n'));
        b.append("# HELP fleetroll_data_stale 1 when the newest audit is older than an hour.\n");
        b.append("# TYPE fleetroll_data_stale gauge\n");
        b.append("fleetroll_data_stale ").append(s.stale() ? 1 : 0).append('\n');
        b.append("# HELP fleetroll_scanner 1 when this server holds the store's scanner lease.\n");
        b.append("# TYPE fleetroll_scanner gauge\n");
        b.append("fleetroll_scanner ").append(scanner ? 1 : 0).append('\n');
        b.append("# HELP fleetroll_scans_total Scheduled scans run by this server, by kind and result.\n");
        b.append("# TYPE fleetroll_scans_total counter\n");
        new TreeMap<>(scans).forEach((k, v) -> {
            String[] p = k.split("\n", 2);
            b.append("fleetroll_scans_total{kind=\"").append(p[0]).append("\",result=\"").append(p[1]).append("\"} ")
                    .append(v.sum()).append('\n');
        });
        b.append("# HELP fleetroll_scan_duration_seconds How long the last scan of each kind took.\n");
        b.append("# TYPE fleetroll_scan_duration_seconds gauge\n");
        new TreeMap<>(scanSeconds).forEach((k, v) ->
                b.append("fleetroll_scan_duration_seconds{kind=\"").append(k).append("\"} ").append(v).append('\n'));
        b.append("# HELP fleetroll_ssh_outcomes_total Outcomes of the scanner's host audits.\n");
        b.append("# TYPE fleetroll_ssh_outcomes_total counter\n");
        new TreeMap<>(sshOutcomes).forEach((k, v) ->
                b.append("fleetroll_ssh_outcomes_total{outcome=\"").append(k).append("\"} ").append(v.sum()).append('\n'));
        b.append("# HELP fleetroll_api_requests_total HTTP requests answered, by route and status.\n");
        b.append("# TYPE fleetroll_api_requests_total counter\n");
        new TreeMap<>(requests).forEach((k, v) -> {
            String[] p = k.split("\n", 2);
            b.append("fleetroll_api_requests_total{route=\"").append(p[0]).append("\",status=\"").append(p[1])
                    .append("\"} ").append(v.sum()).append('\n');
        });
        return b.toString();
    }
}
