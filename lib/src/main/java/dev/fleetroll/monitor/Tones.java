package dev.fleetroll.monitor;

import dev.fleetroll.state.Column;
import dev.fleetroll.state.HostState;
import dev.fleetroll.state.TaskclusterState;
import java.time.Duration;
import java.util.Locale;

/**
 * The one set of colour rules of the monitor's cells (the established tool's thresholds):
 *
 * <ul>
 *   <li>DATA (age of the newest facts; with Taskcluster data, the older of audit and scan): under 5 min good,
 *       under 30 min warn, else bad.
 *   <li>TC_ACT: under 5 min good, under 1 h warn, else bad; a worker Taskcluster does not list is bad.
 *   <li>PP_LAST: under 1 h good, under 6 h warn, else bad; a failed run is bad.
 *   <li>UPTIME: under 1 h good (just rebooted), under 6 h warn.
 *   <li>PP_MATCH, APPLIED: Y good, N warn (APPLIED N is bad: the override on the host is not what Puppet ran).
 *   <li>HEALTHY: Y good, N bad. TC_QUAR: YES bad. SSH: anything but ok is bad.
 *   <li>TC_T_DUR by the task's state: completed good, exception warn, failed bad.
 *   <li>OVR_BCH with WORKER_TYPE_OVERRIDE ({@code *wt}) is bad; otherwise ROLE, OVR_BCH and VLT_SHA are categories.
 *   <li>NOTE: warn when present.
 * </ul>
 * Empty cells are always plain.
 */
public final class Tones {
    private Tones() {}

    /** The tone of {@code column}'s cell for {@code s}. */
    public static Tone of(Column column, HostState s) {
        if (column.valueOf(s) == null && !column.name().equals("ssh") && !column.name().equals("tc_act")) {
            return Tone.PLAIN;
        }
        return switch (column.name()) {
            case "data" -> age((Duration) column.valueOf(s), Duration.ofMinutes(5), Duration.ofMinutes(30));
            case "tc_act" -> tcActive(s);
            case "pp_last" -> s.puppet() != null && Boolean.FALSE.equals(s.puppet().success()) ? Tone.BAD
                    : age(s.puppetAge(), Duration.ofHours(1), Duration.ofHours(6));
            case "uptime" -> s.uptime() == null ? Tone.PLAIN
                    : s.uptime().compareTo(Duration.ofHours(1)) < 0 ? Tone.GOOD
                    : s.uptime().compareTo(Duration.ofHours(6)) < 0 ? Tone.WARN : Tone.PLAIN;
            case "pp_match" -> yesNo(s.ppMatch(), Tone.WARN);
            case "applied" -> s.audited() ? (s.applied() ? Tone.GOOD : Tone.BAD) : Tone.PLAIN;
            case "healthy" -> yesNo(s.healthy(), Tone.BAD);
            case "tc_quar" -> Boolean.TRUE.equals(s.quarantined()) ? Tone.BAD : Tone.PLAIN;
            case "ssh" -> s.outcome() == null ? Tone.PLAIN : s.reachable() ? Tone.GOOD : Tone.BAD;
            case "tc_t_dur" -> taskState(s.tc());
            case "ovr_bch" -> s.override() != null && s.override().workerType() != null ? Tone.BAD : Tone.CATEGORY;
            case "role", "vlt_sha" -> Tone.CATEGORY;
            case "note" -> Tone.WARN;
            default -> Tone.PLAIN;
        };
    }

    private static Tone tcActive(HostState s) {
        TaskclusterState tc = s.tc();
        if (tc == null || tc.pool() == null) {
            return Tone.PLAIN;
        }
        if (!tc.present() || tc.lastActive() == null) {
            return Tone.BAD;
        }
        return age(Duration.between(tc.lastActive(), s.asOf()), Duration.ofMinutes(5), Duration.ofHours(1));
    }

    private static Tone taskState(TaskclusterState tc) {
        if (tc == null || tc.latestTaskState() == null) {
            return Tone.PLAIN;
        }
        return switch (tc.latestTaskState().toLowerCase(Locale.ROOT)) {
            case "completed" -> Tone.GOOD;
            case "exception" -> Tone.WARN;
            case "failed" -> Tone.BAD;
            default -> Tone.PLAIN;
        };
    }

    private static Tone age(Duration d, Duration good, Duration warn) {
        if (d == null) {
            return Tone.PLAIN;
        }
        return d.compareTo(good) < 0 ? Tone.GOOD : d.compareTo(warn) < 0 ? Tone.WARN : Tone.BAD;
    }

    private static Tone yesNo(Boolean b, Tone no) {
        return b == null ? Tone.PLAIN : b ? Tone.GOOD : no;
    }
}
