package dev.fleetroll.ops.bench;

import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.GatherTaskcluster;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.standin.StandInTask;
import dev.fleetroll.standin.StandInWorker;
import dev.fleetroll.standin.StaticWorkerSource;
import dev.fleetroll.standin.TaskclusterStandIn;
import dev.fleetroll.state.Observation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Wall time of the whole {@code gather-tc} operation ({@link DefaultFleet#gatherTaskcluster}): a store of N audited
 * hosts in P pools, each host a worker of a local Taskcluster stand-in with a latest task, so a scan lists every pool
 * and asks for every worker's latest task run, then stores N records in one transaction (not part of the suite).
 *
 * <pre>
 * bench/gather-tc.sh  (runs this after the client-only listing bench)
 * </pre>
 *
 * Prints the first scan (nothing stored yet) and the median of the following rounds, with the requests per round.
 */
public final class GatherTcOpBench {
    private GatherTcOpBench() {}

    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int pools = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Instant now = Instant.now();
        StaticWorkerSource source = new StaticWorkerSource();
        List<Observation> observations = new ArrayList<>();
        List<String> names = new ArrayList<>();
        StringBuilder roles = new StringBuilder("taskcluster:\n  roles:\n");
        for (int p = 0; p < pools; p++) {
            roles.append("    bench_role_").append(p).append(": gecko-t-bench-").append(p).append('\n');
            List<StandInWorker> list = new ArrayList<>();
            for (int i = p; i < hosts; i += pools) {
                String name = String.format("host-%05d", i);
                String task = "T" + i;
                list.add(new StandInWorker("mdc1", name, "running", 1, "static", now.minus(Duration.ofDays(30)),
                        now.minusSeconds(i), null, List.of(new StandInWorker.TaskRef(task, 0))));
                source.add(new StandInTask(task, List.of(new StandInTask.Run(0, i % 2 == 0 ? "completed" : "running",
                        now.minusSeconds(600 + i), i % 2 == 0 ? now.minusSeconds(i) : null, "mdc1", name))));
                names.add(name);
                observations.add(new Observation(name, now.minusSeconds(60), Outcome.OK, null, 0, 10L, "Linux", name,
                        86_400L, "bench_role_" + p, null, null, null, null, true, List.of()));
            }
            source.add("releng-hardware", "gecko-t-bench-" + p, list);
        }
        Path dir = Files.createTempDirectory("fleetroll-bench-gather-tc-");
        try (TaskclusterStandIn standIn = TaskclusterStandIn.start(source, Map.of(), null, 0)) {
            FleetrollHome home = new FleetrollHome(dir.resolve("home"));
            home.ensureExists();
            Files.writeString(home.configFile(), roles + "  root_url: " + standIn.rootUrl() + "\n");
            Workspace ws = Workspace.of(home, null, Map.of("FLEETROLL_HOME", home.dir().toString(), "HOME", dir.toString()));
            try (DefaultFleet fleet = DefaultFleet.open(ws)) {
                fleet.store().saveAll(observations);
                System.out.printf("gather-tc (whole operation): %d hosts in %d pools, concurrency %d%n", hosts, pools,
                        ws.config().taskcluster().concurrency());
                int r0 = standIn.requests();
                long t0 = System.nanoTime();
                GatherTaskcluster.Report first = fleet.gatherTaskcluster(names);
                long firstMs = (System.nanoTime() - t0) / 1_000_000;
                check(first, hosts);
                System.out.printf("  first scan: %d ms, %d requests%n", firstMs, standIn.requests() - r0);
                long[] ms = new long[rounds];
                int before = standIn.requests();
                for (int r = 0; r < rounds; r++) {
                    long t = System.nanoTime();
                    check(fleet.gatherTaskcluster(names), hosts);
                    ms[r] = (System.nanoTime() - t) / 1_000_000;
                }
                Arrays.sort(ms);
                System.out.printf("  later scans: min %d ms, median %d ms, %d requests per scan%n", ms[0], ms[rounds / 2],
                        (standIn.requests() - before) / rounds);
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void check(GatherTaskcluster.Report r, int hosts) {
        if (r.present().size() != hosts || !r.poolErrors().isEmpty()) {
            throw new IllegalStateException("expected " + hosts + " present hosts, got " + r.present().size() + ", errors "
                    + r.poolErrors());
        }
    }
}
