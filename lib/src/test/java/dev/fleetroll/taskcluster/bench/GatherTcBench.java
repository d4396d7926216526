package dev.fleetroll.taskcluster.bench;

import dev.fleetroll.standin.StandInWorker;
import dev.fleetroll.standin.StaticWorkerSource;
import dev.fleetroll.standin.TaskclusterStandIn;
import dev.fleetroll.taskcluster.Pool;
import dev.fleetroll.taskcluster.PoolResult;
import dev.fleetroll.taskcluster.TaskclusterClient;
import dev.fleetroll.taskcluster.TaskclusterCredentials;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Wall time of listing every worker of a fleet's pools from a local Taskcluster stand-in (not part of the test
 * suite).
 *
 * <pre>
 * java -cp lib/target/classes:lib/target/test-classes:DEPS dev.fleetroll.taskcluster.bench.GatherTcBench [workers] [pools] [rounds] [pageLimit]
 * </pre>
 *
 * Starts a stand-in holding {@code workers} workers spread over {@code pools} pools, then, after five warm-up rounds,
 * lists all pools {@code rounds} times with {@link TaskclusterClient#listWorkers(java.util.Collection, int)}: once
 * with every pool fetched at the same time, once one pool after the other. Prints wall ms (min and median) and the
 * pages fetched per round. Requests are Hawk-signed, as in production.
 */
public final class GatherTcBench {
    private GatherTcBench() {}

    public static void main(String[] args) throws Exception {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int pools = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        int pageLimit = args.length > 3 ? Integer.parseInt(args[3]) : 1000;

        Instant now = Instant.now();
        StaticWorkerSource source = new StaticWorkerSource();
        List<Pool> poolList = new ArrayList<>();
        for (int p = 0; p < pools; p++) {
            String type = "gecko-t-bench-" + p;
            poolList.add(new Pool("releng-hardware", type));
            List<StandInWorker> list = new ArrayList<>();
            for (int i = p; i < workers; i += pools) {
                list.add(new StandInWorker("mdc" + (i % 2 + 1), String.format("host-%05d", i), "running", 1, "static",
                        now.minus(Duration.ofDays(30)), now.minusSeconds(i), null,
                        List.of(new StandInWorker.TaskRef("T" + i, i % 3))));
            }
            source.add("releng-hardware", type, list);
        }
        TaskclusterCredentials creds = TaskclusterCredentials.of("bench", "bench-token");
        try (TaskclusterStandIn standIn = TaskclusterStandIn.start(source, Map.of("bench", "bench-token"), null, 0)) {
            TaskclusterClient.Settings settings = TaskclusterClient.Settings.of(standIn.rootUrl(), creds)
                    .withPaging(pageLimit, 10_000);
            try (TaskclusterClient client = new TaskclusterClient(settings)) {
                System.out.printf("%d workers in %d pools, pages of %d, %d rounds after 5 warm-up rounds%n",
                        workers, pools, pageLimit, rounds);
                for (int w = 0; w < 5; w++) { // warm-up: class loading, JIT, connections
                    run(client, poolList, pools);
                    run(client, poolList, 1);
                }
                report("concurrent (" + pools + " at a time)", client, standIn, poolList, pools, rounds, workers);
                report("sequential (1 at a time)", client, standIn, poolList, 1, rounds, workers);
            }
        }
    }

    private static void report(String label, TaskclusterClient client, TaskclusterStandIn standIn, List<Pool> pools,
                               int concurrency, int rounds, int expected) {
        long[] ms = new long[rounds];
        long pages0 = client.pagesFetched();
        int requests0 = standIn.requests();
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            int n = run(client, pools, concurrency);
            ms[r] = (System.nanoTime() - t0) / 1_000_000;
            if (n != expected) {
                throw new IllegalStateException("listed " + n + " workers, expected " + expected);
            }
        }
        java.util.Arrays.sort(ms);
        System.out.printf("%-28s wall min %d ms, median %d ms; %d pages and %d requests per round%n", label, ms[0],
                ms[rounds / 2], (client.pagesFetched() - pages0) / rounds, (standIn.requests() - requests0) / rounds);
    }

    private static int run(TaskclusterClient client, List<Pool> pools, int concurrency) {
        Map<Pool, PoolResult> results = client.listWorkers(pools, concurrency);
        int n = 0;
        for (PoolResult r : results.values()) {
            if (!r.ok()) {
                throw r.error();
            }
            n += r.workers().size();
        }
        return n;
    }
}
