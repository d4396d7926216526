package dev.fleetroll.state;

import dev.fleetroll.UserError;
import dev.fleetroll.content.Humanhash;
import dev.fleetroll.inventory.Fact;
import dev.fleetroll.inventory.ProbeResult;
import dev.fleetroll.util.EditDistance;
import dev.fleetroll.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The monitor's column set, shared by tables (DSL {@code show()}, {@code host-monitor}) and the query language.
 *
 * <p>Columns: HOST, OS, ROLE, VLT_SHA, OVR_BCH, UPTIME, PP_LAST, PP_EXP, PP_SHA, PP_MATCH, APPLIED, TC_ACT,
 * TC_T_DUR, TC_QUAR, DATA, HEALTHY, SSH, NOTE, and the filter-only keys {@code ovr_sha}, {@code wt_ovr},
 * {@code reachable}, {@code pool}, {@code exp_bch}, {@code quarantined}, and the inventory's keys (facts of record,
 * drift and probes: {@code inv_pool dc hw exp_role exp_os listed enabled role_drift os_drift pool_drift stray_override
 * never_audited unlisted disabled_busy probe_*}). The established tool's keys are aliases
 * ({@code sha} for {@code ovr_bch}, {@code tc_j_sf} for {@code tc_t_dur}, {@code health} for {@code healthy}) so its
 * named filters load unchanged. The columns whose data come from outside
 * the hosts ({@link #EXTERNAL}: Taskcluster, GitHub, notes) are left out of a table in which no host has any
 * ({@link #displayedFor}).
 */
public final class Columns {
    private static final Columns STANDARD = new Columns(standardColumns());

    private final List<Column> columns;
    private final Map<String, Column> byName = new LinkedHashMap<>();

    public Columns(List<Column> columns) {
        this.columns = List.copyOf(columns);
        for (Column c : this.columns) {
            byName.put(c.name(), c);
            for (String a : c.aliases()) {
                byName.putIfAbsent(a, c);
            }
        }
    }

    public static Columns standard() {
        return STANDARD;
    }

    /** This set plus {@code extra} (appended, or replacing a column of the same name in place). */
    public Columns with(Column... extra) {
        List<Column> out = new ArrayList<>(columns);
        for (Column e : extra) {
            int at = -1;
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).name().equals(e.name())) {
                    at = i;
                }
            }
            if (at >= 0) {
                out.set(at, e);
            } else {
                out.add(e);
            }
        }
        return new Columns(out);
    }

    public List<Column> all() {
        return columns;
    }

    /** Columns shown in tables, in display order. */
    public List<Column> displayed() {
        return columns.stream().filter(Column::displayed).toList();
    }

    /** Columns whose values come from Taskcluster ({@code gather-tc}), GitHub ({@code gather-gh}) or notes. */
    public static final Set<String> EXTERNAL = Set.of("pp_exp", "pp_match", "tc_act", "tc_t_dur",
            "tc_quar", "pool", "healthy", "note");

    /**
     * The displayed columns for a table of {@code states}: all of them, except that Taskcluster and GitHub columns
     * are left out when not one of the hosts has a value in them (nothing was gathered yet: a row of dashes says
     * nothing).
     */
    public List<Column> displayedFor(Collection<HostState> states) {
        return displayed().stream()
                .filter(c -> !EXTERNAL.contains(c.name()) || states.stream().anyMatch(st -> c.valueOf(st) != null))
                .toList();
    }

    /** Every accepted column name (names, then aliases). */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public Optional<Column> find(String name) {
        return Optional.ofNullable(byName.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * The column called {@code name}, or a {@link UserError} naming it, the nearest valid name and the list of
     * valid ones.
     */
    public Column require(String name) {
        return find(name).orElseThrow(() -> {
            String near = nearest(name);
            return new UserError("unknown column '" + name + "'" + (near == null ? "" : " (did you mean '" + near + "'?)")
                    + "; columns: " + String.join(" ", columns.stream().map(Column::name).toList()));
        });
    }

    /** The accepted name (or alias) nearest to a misspelt {@code name}; null when none is close. */
    public String nearest(String name) {
        return EditDistance.closest(name.toLowerCase(Locale.ROOT), byName.keySet());
    }

    private static List<Column> standardColumns() {
        List<Column> c = new ArrayList<>();
        c.add(Column.of("host", Column.Type.TEXT, true, "host name", HostState::name, HostState::name, "name"));
        c.add(Column.of("os", Column.Type.TEXT, true, "operating system: L (Linux), M (macOS), W (Windows)",
                HostState::osLetter, HostState::osLetter).withNormalizer(HostState::osLetter));
        c.add(Column.of("role", Column.Type.TEXT, true, "Puppet role from /etc/puppet_role", HostState::role, HostState::role));
        c.add(Column.of("vlt_sha", Column.Type.SHA, true, "sha256 of the vault file (and its humanhash)",
                HostState::vaultSha, s -> shaAndName(s.vaultSha())));
        c.add(Column.of("ovr_bch", Column.Type.TEXT, true, "override branch (its sha when it names none); the cell adds (sha) and '*wt' for WORKER_TYPE_OVERRIDE; empty: no override",
                Columns::overrideBranch, Columns::overrideCell, "ovr", "override", "sha"));
        c.add(Column.of("ovr_sha", Column.Type.SHA, false, "sha256 of the override file (or its humanhash)",
                s -> s.override() == null ? null : s.override().sha(), s -> s.override() == null ? null
                        : shaAndName(s.override().sha())));
        c.add(Column.of("wt_ovr", Column.Type.FLAG, false, "the override sets WORKER_TYPE_OVERRIDE",
                s -> s.override() == null ? null : s.override().workerType() != null,
                s -> s.override() == null ? null : flag(s.override().workerType() != null)));
        c.add(Column.of("uptime", Column.Type.DURATION, true, "host uptime at the last audit", HostState::uptime,
                s -> s.uptime() == null ? null : Durations.humanize(s.uptime())));
        c.add(Column.of("pp_last", Column.Type.DURATION, true, "time since the last Puppet run; FAIL when it failed",
                HostState::puppetAge, Columns::puppetLast));
        c.add(Column.of("pp_exp", Column.Type.SHA, true, "git sha the host should run: head of the branch it follows (gather-gh)",
                HostState::expectedSha, s -> shortSha(s.expectedSha(), 7)));
        c.add(Column.of("pp_sha", Column.Type.SHA, true, "git sha the last Puppet run applied",
                s -> s.puppet() == null ? null : s.puppet().gitSha(),
                s -> s.puppet() == null ? null : shortSha(s.puppet().gitSha(), 7)));
        c.add(Column.of("pp_match", Column.Type.FLAG, true, "the last Puppet run succeeded and applied exactly PP_EXP",
                HostState::ppMatch, s -> s.ppMatch() == null ? null : flag(s.ppMatch())));
        c.add(Column.of("exp_bch", Column.Type.TEXT, false, "owner/repo:branch the host should follow",
                HostState::expectedBranch, HostState::expectedBranch));
        c.add(Column.of("applied", Column.Type.FLAG, true, "the last Puppet run succeeded and applied the current override",
                s -> s.audited() ? s.applied() : null, s -> s.audited() ? flag(s.applied()) : null));
        c.add(Column.of("tc_act", Column.Type.DURATION, true, "time since the Taskcluster worker was last active (gather-tc)",
                Columns::tcActiveAge, Columns::tcActiveCell));
        c.add(Column.of("tc_t_dur", Column.Type.DURATION, true, "how long the worker's latest task ran; '-' suffix: still running",
                s -> s.tc() == null ? null : s.tc().taskDuration(s.tc().scannedAt()), Columns::taskCell, "tc_j_sf"));
        c.add(Column.of("tc_quar", Column.Type.FLAG, true, "the worker is quarantined in Taskcluster",
                HostState::quarantined, s -> Boolean.TRUE.equals(s.quarantined()) ? "YES" : null, "quarantined"));
        c.add(Column.of("pool", Column.Type.TEXT, true, "Taskcluster provisioner/worker-type the host maps to (gather-tc)",
                s -> s.tc() == null ? null : s.tc().pool(), s -> s.tc() == null ? null : s.tc().pool()));
        c.add(Column.of("data", Column.Type.DURATION, true,
                "age of the facts: the older of the last successful audit and the Taskcluster scan (shown audit/scan)",
                Columns::dataAgeMax, Columns::dataCell));
        c.add(Column.of("healthy", Column.Type.FLAG, true, "PP_MATCH, Taskcluster-active recently and not quarantined",
                HostState::healthy, s -> s.healthy() == null ? null : flag(s.healthy()), "health"));
        c.add(Column.of("ssh", Column.Type.TEXT, true, "how the latest audit ended: ok, unreachable, timed-out, ...",
                s -> s.outcome() == null ? null : s.outcome().label(),
                s -> s.outcome() == null ? null : s.outcome().label(), "status"));
        c.add(Column.of("note", Column.Type.TEXT, true, "the operator's note on the host; (N) when N notes since the last clear",
                s -> s.note() == null ? null : s.note().text(), s -> s.note() == null ? null : s.note().cell(), "notes"));
        c.add(Column.of("reachable", Column.Type.FLAG, false, "the latest audit worked",
                s -> s.outcome() == null ? null : s.reachable(), s -> s.outcome() == null ? null : flag(s.reachable())));
        inventoryColumns(c);
        return c;
    }

    /**
     * The inventory's columns (filter-only): facts of record, drift between them and the audits, and the latest
     * discovery probe. Unknown (empty) when the inventory was not read or the host is not in it, except
     * {@code listed}, {@code unlisted} and {@code stray_override}, which are about hosts outside it too.
     */
    private static void inventoryColumns(List<Column> c) {
        c.add(fact("inv_pool", Fact.POOL, "Taskcluster pool of record (inventory); pool is what gather-tc maps the host to"));
        c.add(fact("dc", Fact.DC, "datacenter of record (inventory)"));
        c.add(fact("hw", Fact.HW, "hardware model of record (inventory)"));
        c.add(fact("exp_role", Fact.ROLE, "expected Puppet role (inventory)"));
        c.add(Column.of("exp_os", Column.Type.TEXT, false, "expected OS letter (inventory): L, M, W",
                s -> HostState.osLetter(inv(s, Fact.OS)), s -> HostState.osLetter(inv(s, Fact.OS)))
                .withNormalizer(HostState::osLetter));
        c.add(flagColumn("listed", "the host is in the inventory", s -> s.inventory() == null ? null : s.inventory().listed()));
        c.add(flagColumn("enabled", "the host of record is enabled (N: disabled with inventory disable)",
                s -> listed(s) ? s.inventory().record().enabled() : null));
        c.add(flagColumn("role_drift", "ROLE differs from the expected role of record",
                s -> drift(inv(s, Fact.ROLE), s.role(), String::equalsIgnoreCase)));
        c.add(flagColumn("os_drift", "OS differs from the expected OS of record",
                s -> drift(HostState.osLetter(inv(s, Fact.OS)), s.osLetter(), String::equals)));
        c.add(flagColumn("pool_drift", "the Taskcluster pool (gather-tc) differs from the pool of record",
                s -> drift(inv(s, Fact.POOL), s.tc() == null ? null : s.tc().pool(),
                        (want, got) -> got.equalsIgnoreCase(want) || got.toLowerCase(Locale.ROOT).endsWith("/" + want.toLowerCase(Locale.ROOT)))));
        c.add(flagColumn("stray_override", "the host has an override but is not a target of any rollout in progress",
                s -> s.inventory() == null || !s.audited() ? null : s.override() != null && !s.inventory().inRollout()));
        c.add(flagColumn("never_audited", "in the inventory, but no audit of it was ever recorded",
                s -> listed(s) ? s.outcome() == null : null));
        c.add(flagColumn("unlisted", "audited, but not in the inventory",
                s -> s.inventory() == null || s.outcome() == null ? null : !s.inventory().listed()));
        c.add(flagColumn("disabled_busy", "disabled in the inventory, but Taskcluster saw it active or running a task",
                s -> !listed(s) ? null : !s.inventory().record().enabled() && s.tc() != null
                        && (Boolean.TRUE.equals(s.tcActive()) || s.tc().taskRunning())));
        c.add(probeColumn("probe_dns", "the latest inventory probe resolved the name", ProbeResult::resolves));
        c.add(probeColumn("probe_tcp", "the latest inventory probe reached the SSH port over TCP", ProbeResult::reachable));
        c.add(probeColumn("probe_ssh", "the latest inventory probe authenticated over SSH", ProbeResult::sshable));
        c.add(probeColumn("probe_sudo", "the latest inventory probe ran sudo -n true", ProbeResult::sudoable));
        c.add(probeColumn("probe_bmc", "the BMC answered on port 623 (hosts with a bmc fact)", ProbeResult::bmc));
        c.add(Column.of("probe_age", Column.Type.DURATION, false, "time since the latest inventory probe",
                Columns::probeAge, s -> probeAge(s) == null ? null : Durations.humanize(probeAge(s))));
    }

    private static Column fact(String name, Fact f, String description) {
        return Column.of(name, Column.Type.TEXT, false, description, s -> inv(s, f), s -> inv(s, f));
    }

    private static Column flagColumn(String name, String description, java.util.function.Function<HostState, Boolean> v) {
        return Column.of(name, Column.Type.FLAG, false, description, v::apply, s -> {
            Boolean b = v.apply(s);
            return b == null ? null : flag(b);
        });
    }

    private static Column probeColumn(String name, String description, java.util.function.Function<ProbeResult, Boolean> v) {
        return flagColumn(name, description, s -> s.inventory() == null || s.inventory().probe() == null ? null
                : v.apply(s.inventory().probe()));
    }

    private static boolean listed(HostState s) {
        return s.inventory() != null && s.inventory().listed();
    }

    private static String inv(HostState s, Fact f) {
        return s.inventory() == null ? null : s.inventory().fact(f);
    }

    /** True when both are known and differ (by {@code same}); null when either is unknown. */
    private static Boolean drift(String expected, String actual, java.util.function.BiPredicate<String, String> same) {
        if (expected == null || actual == null || expected.isBlank() || actual.isBlank()) {
            return null;
        }
        return !same.test(expected, actual);
    }

    private static Duration probeAge(HostState s) {
        return s.inventory() == null || s.inventory().probe() == null ? null
                : Duration.between(s.inventory().probe().at(), s.asOf());
    }

    private static Duration tcActiveAge(HostState s) {
        return s.tc() == null || s.tc().lastActive() == null ? null : Duration.between(s.tc().lastActive(), s.asOf());
    }

    /** The age of the worker's last activity; {@code absent} when Taskcluster does not list it, {@code no pool}. */
    private static String tcActiveCell(HostState s) {
        TaskclusterState tc = s.tc();
        if (tc == null) {
            return null;
        }
        if (!tc.present()) {
            return tc.pool() == null ? "no pool" : "absent";
        }
        Duration age = tcActiveAge(s);
        return age == null ? "never" : Durations.humanize(age.isNegative() ? Duration.ZERO : age);
    }

    private static String taskCell(HostState s) {
        if (s.tc() == null) {
            return null;
        }
        Duration d = s.tc().taskDuration(s.tc().scannedAt());
        return d == null ? null : Durations.humanize(d) + (s.tc().taskRunning() ? " -" : "");
    }

    /** What {@code data} compares and sorts by: the older of the audit and the Taskcluster scan; null when neither. */
    private static Duration dataAgeMax(HostState s) {
        Duration audit = s.dataAge();
        Duration scan = s.tc() == null || s.tc().scannedAt() == null ? null : Duration.between(s.tc().scannedAt(), s.asOf());
        if (audit == null || scan == null) {
            return audit != null ? audit : scan;
        }
        return audit.compareTo(scan) >= 0 ? audit : scan;
    }

    /** {@code <audit age>/<tc scan age>} once Taskcluster was scanned, else the audit age alone. */
    private static String dataCell(HostState s) {
        String audit = dataAge(s.dataAge());
        if (s.tc() == null || s.tc().scannedAt() == null) {
            return audit;
        }
        return (audit == null ? "-" : audit) + "/" + dataAge(Duration.between(s.tc().scannedAt(), s.asOf()));
    }

    private static Object overrideBranch(HostState s) {
        if (s.override() == null) {
            return null;
        }
        String b = s.override().branch();
        return b != null && !b.isBlank() ? b : shortSha(s.override().sha(), 8);
    }

    private static String overrideCell(HostState s) {
        HostState.OverrideState o = s.override();
        if (o == null) {
            return null;
        }
        String sha = shortSha(o.sha(), 8);
        String cell = o.branch() != null && !o.branch().isBlank()
                ? o.branch() + (sha == null ? "" : " (" + sha + ")")
                : (sha == null ? "?" : sha);
        return o.workerType() != null ? cell + " *wt" : cell;
    }

    private static String puppetLast(HostState s) {
        if (s.puppet() == null) {
            return null;
        }
        String age = s.puppetAge() == null ? "?" : Durations.humanize(s.puppetAge());
        return Boolean.FALSE.equals(s.puppet().success()) ? age + " FAIL" : age;
    }

    /** Minute granularity: {@code <1m}, {@code 5m}, {@code 2h 05m}. */
    public static String dataAge(Duration d) {
        if (d == null) {
            return null;
        }
        return d.compareTo(Duration.ofMinutes(1)) < 0 ? "<1m" : Durations.humanize(d);
    }

    static String shortSha(String sha, int n) {
        if (sha == null || sha.isBlank()) {
            return null;
        }
        return sha.length() <= n ? sha : sha.substring(0, n);
    }

    static String shaAndName(String sha) {
        if (sha == null || sha.isBlank()) {
            return null;
        }
        String name = Humanhash.tryOf(sha);
        return shortSha(sha, 8) + (name == null ? "" : " " + name);
    }

    static String flag(boolean b) {
        return b ? "Y" : "N";
    }
}
