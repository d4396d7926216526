package dev.fleetroll.ops;

import dev.fleetroll.UserError;
import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.util.NaturalOrder;
import dev.fleetroll.state.BranchHead;
import dev.fleetroll.state.HostState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@code fleetroll data-freshness}: is the stored data recent enough to act on? A gate for cron scripts that decide
 * from the store (a rollout step, a report): exit non-zero instead of acting on a fleet picture hours old.
 *
 * <p>Three parts, each with its own limit:
 * <ul>
 *   <li>{@code audit}: each host's latest audit, <em>successful or not</em> — an unreachable host audited a minute
 *       ago is fresh data (we know it is down; the monitor shows that), while a host nobody audited for hours is
 *       not. (fleetroll_mvp counted only successful audits, so one dead host made the gate fail forever.)</li>
 *   <li>{@code tc}: each host's Taskcluster record ({@code gather-tc}).</li>
 *   <li>{@code gh}: the head of every branch the hosts follow ({@code gather-gh}); a branch fetched without a sha
 *       (no such branch, rate limit) has no data.</li>
 * </ul>
 * Items without any data count as stale, with their own message. A part is fresh when at least
 * {@code min_fresh_pct} percent of its hosts are fresh ({@code gh}: every branch). No hosts at all is stale.
 */
public final class Freshness {

    /** Per-run limits: the configured ones, with any flag given instead. */
    public record Limits(Duration maxAuditAge, Duration maxTcAge, Duration maxGhAge, int minFreshPct, List<String> parts) {
        public Limits {
            for (Duration d : new Duration[] {maxAuditAge, maxTcAge, maxGhAge}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new UserError("data-freshness: every age limit must be positive (e.g. 30m, 2h)");
                }
            }
            if (minFreshPct < 0 || minFreshPct > 100) {
                throw new UserError("data-freshness: --min-fresh-pct must be 0..100, not " + minFreshPct);
            }
            parts = List.copyOf(parts);
            if (parts.isEmpty()) {
                throw new UserError("data-freshness: no parts to check (audit, tc, gh)");
            }
            for (String p : parts) {
                if (!List.of("audit", "tc", "gh").contains(p)) {
                    throw new UserError("data-freshness: unknown part '" + p + "' (audit, tc, gh)");
                }
            }
        }

        public static Limits of(FleetrollConfig.Freshness c) {
            return new Limits(c.maxAuditAge(), c.maxTcAge(), c.maxGhAge(), c.minFreshPct(), c.parts());
        }
    }

    private Freshness() {}

    /** Checks {@code hosts} (no network): their stored states and the stored branch heads, as of {@code now}. */
    public static FreshnessReport check(Fleet fleet, List<String> hosts, Limits limits, Instant now) {
        Map<String, HostState> states = fleet.states(hosts, now);
        return check(states, fleet.externalFacts().heads(), limits, now);
    }

    /** The same over states already read. */
    public static FreshnessReport check(Map<String, HostState> states, Map<String, BranchHead> heads, Limits limits,
                                        Instant now) {
        List<FreshnessReport.Part> parts = new ArrayList<>();
        for (String p : limits.parts()) {
            parts.add(switch (p) {
                case "audit" -> perHost("audit", limits.maxAuditAge(), limits.minFreshPct(), states, HostState::auditedAt, now);
                case "tc" -> perHost("tc", limits.maxTcAge(), limits.minFreshPct(), states,
                        s -> s.tc() == null ? null : s.tc().scannedAt(), now);
                default -> branches(limits.maxGhAge(), states, heads, now);
            });
        }
        return new FreshnessReport(now, states.size(), parts);
    }

    private static FreshnessReport.Part perHost(String name, Duration limit, int minPct, Map<String, HostState> states,
                                                Function<HostState, Instant> time, Instant now) {
        List<FreshnessReport.Item> ages = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        states.forEach((h, s) -> {
            Instant t = s == null ? null : time.apply(s);
            if (t == null) {
                missing.add(h);
            } else {
                ages.add(new FreshnessReport.Item(h, Duration.between(t, now)));
            }
        });
        return part(name, limit, "host", states.size(), ages, missing, minPct);
    }

    private static FreshnessReport.Part branches(Duration limit, Map<String, HostState> states, Map<String, BranchHead> heads,
                                                 Instant now) {
        TreeSet<String> keys = new TreeSet<>();
        states.values().forEach(s -> {
            if (s != null && s.expectedBranch() != null) {
                keys.add(s.expectedBranch());
            }
        });
        List<FreshnessReport.Item> ages = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String k : keys) {
            BranchHead h = heads.get(k);
            if (h == null || h.sha() == null) {
                missing.add(k);
            } else {
                ages.add(new FreshnessReport.Item(k, Duration.between(h.fetchedAt(), now)));
            }
        }
        // with hosts but no branch to check (every override names a non-GitHub repository) there is nothing stale
        return part("gh", limit, "branch", states.isEmpty() ? 0 : keys.size(), ages, missing, 100);
    }

    private static FreshnessReport.Part part(String name, Duration limit, String unit, int checked,
                                             List<FreshnessReport.Item> ages, List<String> missing, int minPct) {
        Comparator<FreshnessReport.Item> oldestFirst = Comparator.comparing(FreshnessReport.Item::age).reversed()
                .thenComparing(FreshnessReport.Item::key, NaturalOrder.INSTANCE);
        List<FreshnessReport.Item> sorted = ages.stream().sorted(oldestFirst).toList();
        List<FreshnessReport.Item> stale = sorted.stream().filter(i -> i.age().compareTo(limit) > 0).toList();
        missing.sort(NaturalOrder.INSTANCE);
        return new FreshnessReport.Part(name, limit, unit, checked, stale, missing, sorted.isEmpty() ? null : sorted.get(0), minPct);
    }
}
