package dev.fleetroll.monitor;

import dev.fleetroll.state.Columns;
import dev.fleetroll.state.HostState;
import dev.fleetroll.state.Query;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a monitor shows at one moment: the hosts a query lets through, in its order (or the base order when the query
 * has no {@code sort:}), and the header's counts over all watched hosts. Every front-end (terminal, {@code --once},
 * {@code --json}, the web UI) computes its rows here.
 *
 * @param rows the shown hosts, in display order
 * @param summary counts over all watched hosts
 * @param asOf the moment ages were computed for
 */
public record MonitorView(List<HostState> rows, FleetSummary summary, Instant asOf) {

    public MonitorView {
        rows = List.copyOf(rows);
    }

    /**
     * The view of {@code all} through {@code query}, sorted by the query's keys or else by {@code baseSort}
     * (a {@code sort:} spec such as {@code role:desc}; empty or {@code host} keeps the given order: {@code all} comes
     * in natural host order, as {@link FleetFeed#states} and the fleet give it).
     */
    public static MonitorView of(List<HostState> all, Query query, String baseSort, Instant now) {
        List<HostState> rows = query.conditions().isEmpty() && !query.hasSort() ? new ArrayList<>(all)
                : new ArrayList<>(query.apply(all));
        if (!query.hasSort() && baseSort != null && !baseSort.isBlank() && !baseSort.strip().equalsIgnoreCase("host")) {
            rows.sort(Query.comparator(Query.parseSort(baseSort, Columns.standard())));
        }
        return new MonitorView(rows, FleetSummary.of(all, rows.size(), now), now);
    }
}
