package dev.fleetroll.monitor;

import dev.fleetroll.state.HostState;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * The monitor header's counts over the watched hosts (not only the shown ones).
 *
 * @param total hosts watched
 * @param shown hosts the filter lets through
 * @param neverAudited hosts with no successful audit ever
 * @param unreachable hosts whose latest audit failed
 * @param puppetFailed hosts whose last Puppet run failed
 * @param notApplied audited hosts whose last Puppet run did not apply the current override
 * @param unhealthy hosts with HEALTHY = N
 * @param quarantined hosts quarantined in Taskcluster
 * @param noted hosts carrying an operator note
 * @param newestFacts the newest successful audit of any host; null when none
 * @param newestScan the newest Taskcluster scan of any host; null when none
 * @param stale the newest facts are older than the stale threshold (nobody audited for a while)
 */
public record FleetSummary(int total, int shown, int neverAudited, int unreachable, int puppetFailed, int notApplied,
                           int unhealthy, int quarantined, int noted, Instant newestFacts, Instant newestScan,
                           boolean stale) {

    /** The established tool's threshold: data whose newest audit is older than an hour is stale. */
    public static final Duration STALE_AFTER = Duration.ofHours(1);

    public static FleetSummary of(Collection<HostState> all, int shown, Instant now) {
        int never = 0;
        int unreachable = 0;
        int failed = 0;
        int notApplied = 0;
        int unhealthy = 0;
        int quarantined = 0;
        int noted = 0;
        Instant newest = null;
        Instant newestScan = null;
        for (HostState s : all) {
            if (!s.audited()) {
                never++;
            } else {
                if (!s.applied()) {
                    notApplied++;
                }
                if (newest == null || s.lastOkAt().isAfter(newest)) {
                    newest = s.lastOkAt();
                }
            }
            if (s.outcome() != null && !s.reachable()) {
                unreachable++;
            }
            if (s.puppet() != null && Boolean.FALSE.equals(s.puppet().success())) {
                failed++;
            }
            if (Boolean.FALSE.equals(s.healthy())) {
                unhealthy++;
            }
            if (Boolean.TRUE.equals(s.quarantined())) {
                quarantined++;
            }
            if (s.note() != null) {
                noted++;
            }
            if (s.tc() != null && s.tc().scannedAt() != null
                    && (newestScan == null || s.tc().scannedAt().isAfter(newestScan))) {
                newestScan = s.tc().scannedAt();
            }
        }
        boolean stale = newest != null && Duration.between(newest, now).compareTo(STALE_AFTER) > 0;
        return new FleetSummary(all.size(), shown, never, unreachable, failed, notApplied, unhealthy, quarantined, noted,
                newest, newestScan, stale);
    }
}
