package dev.fleetroll.state;

import java.time.Duration;
import java.time.Instant;

/**
 * The one definition of each verdict (DESIGN.md section 3). The monitor, the DSL and rollouts all ask here.
 *
 * <p>Booleans that may be unknown are {@code Boolean}: null means "cannot tell" (no data yet), which filters treat
 * as neither yes nor no, and which a rollout gate must not read as healthy.
 */
public final class Verdicts {
    private Verdicts() {}

    /**
     * {@code applied}: the last Puppet run succeeded and applied the override that is on the host now, i.e. the
     * run's {@code override_sha} equals the sha256 of the current override file. A host without an override counts
     * as applied when its last successful run applied no override either.
     *
     * <p>Unknown is not applied: no run record, a failed last run (the metadata describes only the last run, so we
     * cannot tell what an earlier successful run applied), or an override whose sha256 the audit could not read.
     *
     * @param override the override file now on the host (null: absent)
     * @param puppet the host's last Puppet run (null: no record)
     */
    public static boolean applied(FileFacts override, PuppetRun puppet) {
        if (puppet == null || !Boolean.TRUE.equals(puppet.success())) {
            return false;
        }
        String applied = blankToNull(puppet.overrideSha());
        if (override == null) {
            return applied == null;
        }
        String current = blankToNull(override.sha256());
        return current != null && current.equalsIgnoreCase(applied);
    }

    /**
     * {@code ppMatch}: the last Puppet run succeeded and applied exactly the expected sha (the head of the branch
     * the host should follow). Null when either side is unknown (no run record, no expected sha); false when the
     * last run failed, whatever it applied before.
     */
    public static Boolean ppMatch(PuppetRun puppet, String expectedSha) {
        String expected = blankToNull(expectedSha);
        if (puppet == null || expected == null) {
            return null;
        }
        if (!Boolean.TRUE.equals(puppet.success())) {
            return false;
        }
        String got = blankToNull(puppet.gitSha());
        return got != null && got.equalsIgnoreCase(expected);
    }

    /**
     * {@code tcActive}: Taskcluster lists the worker and it claimed or reclaimed work within {@code activeWithin}
     * of {@code now}. Null when the host was never scanned; false when the worker is absent or never active.
     */
    public static Boolean tcActive(TaskclusterState tc, Instant now, Duration activeWithin) {
        if (tc == null) {
            return null;
        }
        if (!tc.present() || tc.lastActive() == null) {
            return false;
        }
        return !Duration.between(tc.lastActive(), now).minus(activeWithin).isPositive();
    }

    /** {@code quarantined}: the worker's quarantine ends after {@code now}. Null when never scanned or absent. */
    public static Boolean quarantined(TaskclusterState tc, Instant now) {
        if (tc == null || !tc.present()) {
            return null;
        }
        return tc.quarantinedUntil() != null && tc.quarantinedUntil().isAfter(now);
    }

    /**
     * {@code healthy}: {@code ppMatch}, Taskcluster-active within the threshold, and not quarantined. False as soon as
     * one known part says no (a quarantined host is unhealthy whatever GitHub says); null when no part says no and
     * one is unknown.
     */
    public static Boolean healthy(Boolean ppMatch, Boolean tcActive, Boolean quarantined) {
        if (Boolean.FALSE.equals(ppMatch) || Boolean.FALSE.equals(tcActive) || Boolean.TRUE.equals(quarantined)) {
            return false;
        }
        if (ppMatch == null || tcActive == null || quarantined == null) {
            return null;
        }
        return true;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
