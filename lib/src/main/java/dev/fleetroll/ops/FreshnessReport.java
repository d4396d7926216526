package dev.fleetroll.ops;

import dev.fleetroll.inventory.NodeSet;
import dev.fleetroll.util.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How fresh the stored data about some hosts is ({@code fleetroll data-freshness}): one {@link Part} per kind of data
 * checked, each fresh or stale against its limit.
 *
 * @param at when ages were computed
 * @param hosts how many hosts were checked
 */
public record FreshnessReport(Instant at, int hosts, List<Part> parts) {
    public FreshnessReport {
        parts = List.copyOf(parts);
    }

    /** True when every part is fresh; an empty selection is stale whatever parts were checked. */
    public boolean fresh() {
        return hosts > 0 && parts.stream().allMatch(Part::fresh);
    }

    /** One thing whose age is measured (a host, or a branch for {@code gh}) and how old its data is. */
    public record Item(String key, Duration age) {}

    /**
     * One kind of data.
     *
     * @param name {@code audit} (each host's latest audit, successful or not), {@code tc} (each host's Taskcluster
     *     record) or {@code gh} (the head of each branch the hosts follow)
     * @param limit data older than this is stale
     * @param unit what is counted: {@code host} or {@code branch}
     * @param checked how many items were checked
     * @param stale items older than the limit, oldest first
     * @param missing items with no data at all (never audited, never scanned, never fetched or no sha), naturally
     *     sorted; they count as stale
     * @param oldest the oldest item that has data (null when none has)
     * @param minFreshPct the share of items (percent) that must be fresh
     */
    public record Part(String name, Duration limit, String unit, int checked, List<Item> stale, List<String> missing,
                       Item oldest, int minFreshPct) {
        public Part {
            stale = List.copyOf(stale);
            missing = List.copyOf(missing);
        }

        /** Items with fresh data. */
        public int freshCount() {
            return checked - stale.size() - missing.size();
        }

        /** Enough items are fresh; nothing to check counts as fresh only when items were expected to be absent. */
        public boolean fresh() {
            return checked > 0 ? freshCount() * 100L >= (long) minFreshPct * checked : !name.equals("audit") && !name.equals("tc");
        }

        /**
         * One line for people and cron mail: {@code audit: 7 of 50 hosts' data older than 2h (oldest ms-003, 5h 12m)},
         * {@code tc: 2 of 50 hosts never scanned (gather-tc): ms-[004-005]}, {@code gh: ok, 2 branches within 2h}.
         */
        public String describe() {
            String limitText = Durations.format(limit);
            if (checked == 0) {
                return name + ": " + (fresh() ? "ok, no " + plural(unit) + " to check" : "no hosts to check"
                        + (name.equals("audit") ? " (the store has none: run gather-host first)" : ""));
            }
            String units = checked == 1 ? unit : plural(unit);
            if (stale.isEmpty() && missing.isEmpty()) {
                return name + ": ok, " + checked + " " + units + " within " + limitText + oldestText();
            }
            StringBuilder b = new StringBuilder(name).append(": ");
            if (fresh()) {
                b.append("ok (at least ").append(minFreshPct).append("% fresh), ");
            }
            boolean first = true;
            if (!stale.isEmpty()) {
                Item worst = stale.get(0);
                b.append(stale.size()).append(" of ").append(checked).append(' ').append(checked == 1 ? unit + "'s" : units + "'").append(" data older than ")
                        .append(limitText).append(" (oldest ").append(worst.key()).append(", ")
                        .append(Durations.humanize(worst.age())).append(')');
                first = false;
            }
            if (!missing.isEmpty()) {
                b.append(first ? missing.size() + " of " + checked + " " + units + " " : "; " + missing.size() + " ")
                        .append(missingWhat()).append(": ").append(NodeSet.fold(missing.size() > 20 ? missing.subList(0, 20) : missing))
                        .append(missing.size() > 20 ? " ..." : "");
            }
            return b.toString();
        }

        private String oldestText() {
            return oldest == null ? "" : " (oldest " + oldest.key() + ", " + Durations.humanize(oldest.age()) + ")";
        }

        private String missingWhat() {
            return switch (name) {
                case "audit" -> "never audited (gather-host)";
                case "tc" -> "never scanned (gather-tc)";
                default -> "without a head (gather-gh; or the branch does not exist)";
            };
        }

        private static String plural(String unit) {
            return unit.endsWith("ch") ? unit + "es" : unit + "s";
        }
    }
}
