package dev.fleetroll.state;

/**
 * The one definition of each verdict (DESIGN.md section 3). The monitor, the DSL and rollouts all ask here.
 *
 * <p>Verdicts that need data later issues bring (expected sha from GitHub, Taskcluster activity) are added here
 * when that data exists: {@code ppMatch}, {@code healthy}.
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

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
