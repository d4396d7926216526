package dev.fleetroll.monitor.bench;

import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.monitor.FleetFeed;
import dev.fleetroll.monitor.MonitorView;
import dev.fleetroll.state.Columns;
import dev.fleetroll.state.ExternalFacts;
import dev.fleetroll.state.HostState;
import dev.fleetroll.state.Query;
import dev.fleetroll.store.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Where a monitor frame's time goes over a store made by {@link MonitorBenchFleet} (bench/monitor.sh profile). */
public final class FeedProfile {
    private FeedProfile() {}

    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        try (SqliteStore store = SqliteStore.open(new FleetrollHome(home), new FleetrollConfig.Store(10))) {
            for (int i = 0; i < 3; i++) {
                long a = System.nanoTime();
                store.statusByHost();
                long b = System.nanoTime();
                store.taskcluster();
                long c = System.nanoTime();
                store.branchHeads();
                store.notes();
                long d = System.nanoTime();
                System.out.printf("statusByHost %.1f ms  taskcluster %.1f ms  heads+notes %.1f ms%n", (b - a) / 1e6,
                        (c - b) / 1e6, (d - c) / 1e6);
            }
            long t0 = System.nanoTime();
            FleetFeed feed = FleetFeed.open(store, () -> new ExternalFacts(store.taskcluster(), store.branchHeads(),
                    "mozilla-platform-ops/ronin_puppet:master", Duration.ofHours(1)), null);
            System.out.printf("open %.1f ms%n", (System.nanoTime() - t0) / 1e6);
            Query q = Query.parse("", Columns.standard());
            for (int round = 0; round < 30; round++) {
                Instant now = Instant.now();
                long a = System.nanoTime();
                feed.poll();
                long b = System.nanoTime();
                List<HostState> states = feed.states(now);
                long c = System.nanoTime();
                MonitorView v = MonitorView.of(states, q, "host", now);
                long d = System.nanoTime();
                Columns.standard().displayedFor(states);
                long e = System.nanoTime();
                if (round % 5 == 4) {
                    System.out.printf("poll %.2f  states %.2f  view %.2f  displayedFor %.2f ms (%d rows)%n", (b - a) / 1e6,
                            (c - b) / 1e6, (d - c) / 1e6, (e - d) / 1e6, v.rows().size());
                }
            }
        }
    }
}
