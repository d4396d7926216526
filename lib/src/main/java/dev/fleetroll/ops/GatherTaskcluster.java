package dev.fleetroll.ops;

import dev.fleetroll.state.Observation;
import dev.fleetroll.state.OverrideSettings;
import dev.fleetroll.state.TaskclusterState;
import dev.fleetroll.store.Store;
import dev.fleetroll.taskcluster.Pool;
import dev.fleetroll.taskcluster.PoolMap;
import dev.fleetroll.taskcluster.PoolResult;
import dev.fleetroll.taskcluster.QuarantineDetail;
import dev.fleetroll.taskcluster.TaskRun;
import dev.fleetroll.taskcluster.TaskclusterClient;
import dev.fleetroll.taskcluster.TaskclusterException;
import dev.fleetroll.taskcluster.Worker;
import dev.fleetroll.util.Concurrently;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gather-tc}: what Taskcluster says about each host's worker, stored per host with the scan time. Each host
 * maps to a pool ({@link PoolMap}: its role from the newest successful audit, or its override's
 * {@code WORKER_TYPE_OVERRIDE}); each pool is listed once (pools concurrently, pages in order); the worker whose id
 * is the host's short name is the host's. A host the listing lacks is stored as absent (never left with an old
 * record); a host whose pool could not be listed keeps its old record and the pool's error is reported; a host
 * with no pool is stored as such, with the reason.
 *
 * <p>For listed workers it also asks for the latest task's run (so {@code TC_T_DUR} can be shown) and, for
 * quarantined workers, the quarantine's reason.
 */
public final class GatherTaskcluster {
    private static final Logger LOG = LoggerFactory.getLogger(GatherTaskcluster.class);
    /** Task-run and worker lookups in flight per pool listing allowed at once ({@code taskcluster.concurrency}). */
    static final int LOOKUPS_PER_LISTING = 4;
    /** Why a host that never answered an audit has no pool: its role and override are not known. */
    public static final String NEVER_AUDITED = "never audited, so its role is unknown (gather-host it first)";
    private final TaskclusterClient client;
    private final PoolMap pools;
    private final int concurrency;
    private final Clock clock;

    public GatherTaskcluster(TaskclusterClient client, PoolMap pools, int concurrency, Clock clock) {
        this.client = client;
        this.pools = pools;
        this.concurrency = Math.max(1, concurrency);
        this.clock = clock;
    }

    /**
     * @param stored the record saved per host (present, absent or unmapped), in the order asked for
     * @param poolErrors pools that could not be listed, with why; their hosts kept their old records
     * @param unmapped hosts without a pool, with why (role unknown, role not in the table)
     * @param workersListed workers in the listed pools, all of them (not only the asked-for hosts)
     */
    public record Report(Map<String, TaskclusterState> stored, Map<Pool, String> poolErrors,
                         Map<String, String> unmapped, int poolsListed, int workersListed, Duration elapsed) {

        /** Hosts Taskcluster lists in their pool. */
        public List<String> present() {
            return stored.entrySet().stream().filter(e -> e.getValue().present()).map(Map.Entry::getKey).toList();
        }

        /** Hosts with a pool that Taskcluster does not list. */
        public List<String> absent() {
            return stored.entrySet().stream().filter(e -> !e.getValue().present() && e.getValue().pool() != null)
                    .map(Map.Entry::getKey).toList();
        }
    }

    /** Scans the pools of {@code hosts} and saves each host's record in {@code store} (one transaction). */
    public Report run(List<String> hosts, Store store) {
        long t0 = System.nanoTime();
        Map<String, Observation> facts = store.latestOkByHost();
        Instant scannedAt = clock.instant();
        Map<Pool, List<String>> byPool = new TreeMap<>(Comparator.comparing(Pool::toString));
        Map<String, TaskclusterState> stored = new LinkedHashMap<>();
        Map<String, String> unmapped = new LinkedHashMap<>();
        for (String host : hosts) {
            Observation o = facts.get(host);
            OverrideSettings s = o == null ? null : o.overrideSettings();
            PoolMap.Mapping m = o == null ? new PoolMap.Mapping(null, NEVER_AUDITED)
                    : pools.map(o.role(), s == null ? null : s.workerType());
            if (m.mapped()) {
                byPool.computeIfAbsent(m.pool(), k -> new ArrayList<>()).add(host);
            } else {
                unmapped.put(host, m.problem());
                stored.put(host, TaskclusterState.absent(scannedAt, null, shortName(host), m.problem()));
            }
        }

        Map<Pool, PoolResult> listing = byPool.isEmpty() ? Map.of() : client.listWorkers(byPool.keySet(), concurrency);
        Map<Pool, String> poolErrors = new TreeMap<>(Comparator.comparing(Pool::toString));
        int listed = 0;
        Map<String, Worker> found = new LinkedHashMap<>();
        Map<String, Pool> poolOf = new LinkedHashMap<>();
        for (Map.Entry<Pool, List<String>> e : byPool.entrySet()) {
            PoolResult r = listing.get(e.getKey());
            if (r == null || !r.ok()) {
                poolErrors.put(e.getKey(), r == null ? "not listed" : message(r.error()));
                continue;
            }
            listed += r.workers().size();
            Map<String, Worker> byId = new LinkedHashMap<>();
            for (Worker w : r.workers()) {
                byId.putIfAbsent(w.workerId().toLowerCase(Locale.ROOT), w);
            }
            for (String host : e.getValue()) {
                Worker w = byId.get(shortName(host).toLowerCase(Locale.ROOT));
                if (w == null) {
                    stored.put(host, TaskclusterState.absent(scannedAt, e.getKey().toString(), shortName(host), null));
                } else {
                    found.put(host, w);
                    poolOf.put(host, e.getKey());
                }
            }
        }
        stored.putAll(describeAll(found, poolOf, store.taskcluster(), scannedAt));

        Map<String, TaskclusterState> ordered = new LinkedHashMap<>();
        for (String h : hosts) {
            if (stored.containsKey(h)) {
                ordered.put(h, stored.get(h));
            }
        }
        store.saveTaskcluster(ordered);
        return new Report(ordered, poolErrors, unmapped, byPool.size() - poolErrors.size(), listed,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * The records of the listed workers, asking for their task runs and quarantine reasons concurrently (these are
     * one small request per worker, so more run at once than pool listings). A run already stored as resolved is
     * not asked for again: a resolved run never changes.
     */
    private Map<String, TaskclusterState> describeAll(Map<String, Worker> found, Map<String, Pool> poolOf,
                                                      Map<String, TaskclusterState> previous, Instant scannedAt) {
        Map<String, Concurrently.Outcome<TaskclusterState>> described;
        try {
            described = Concurrently.map(found.keySet(), concurrency * LOOKUPS_PER_LISTING,
                    host -> describe(poolOf.get(host), found.get(host), previous.get(host), scannedAt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskclusterException("gather-tc was interrupted while reading the workers' tasks");
        }
        Map<String, TaskclusterState> out = new LinkedHashMap<>();
        described.forEach((host, o) -> {
            if (!o.ok()) {
                throw o.error(); // describe() keeps the remote failures to itself: this is a bug, not the network
            }
            out.put(host, o.value());
        });
        return out;
    }

    /**
     * The record of a listed worker: the listing's facts plus its latest task's run and, when quarantined, the
     * reason. A follow-up request that fails leaves those parts empty rather than losing the worker.
     */
    private TaskclusterState describe(Pool pool, Worker w, TaskclusterState before, Instant scannedAt) {
        String taskId = w.latestTask() == null ? null : w.latestTask().taskId();
        TaskRun run = null;
        if (taskId != null && before != null && taskId.equals(before.latestTask()) && before.taskResolved() != null
                && before.latestTaskRunId() != null && before.latestTaskRunId() == w.latestTask().runId()) {
            run = new TaskRun(taskId, w.latestTask().runId(), before.latestTaskState(), before.taskStarted(),
                    before.taskResolved());
        } else if (taskId != null) {
            try {
                run = client.latestRun(taskId, w.latestTask().runId()).orElse(null);
            } catch (RuntimeException e) {
                LOG.debug("gather-tc: no run of task {} for {}: {}", taskId, w.workerId(), e.getMessage());
            }
        }
        String reason = null;
        if (w.quarantineUntil() != null && w.quarantineUntil().isAfter(scannedAt)) {
            try {
                reason = client.getWorker(pool.provisionerId(), pool.workerType(), w.workerGroup(), w.workerId())
                        .flatMap(d -> newest(d.quarantineDetails()))
                        .orElse(null);
            } catch (RuntimeException e) {
                LOG.debug("gather-tc: no quarantine reason for {}: {}", w.workerId(), e.getMessage());
            }
        }
        return new TaskclusterState(scannedAt, pool.toString(), true, w.workerGroup(), w.workerId(), w.state(),
                w.firstClaim(), w.lastDateActive(), w.quarantineUntil(), reason, taskId,
                taskId == null ? null : w.latestTask().runId(), run == null ? null : run.state(),
                run == null ? null : run.started(), run == null ? null : run.resolved(), null);
    }

    private static Optional<String> newest(List<QuarantineDetail> details) {
        return details.stream()
                .max(Comparator.comparing(QuarantineDetail::updatedAt, Comparator.nullsFirst(Comparator.naturalOrder())))
                .map(QuarantineDetail::quarantineInfo);
    }

    /** The first DNS label: Taskcluster knows hardware workers by it. */
    static String shortName(String host) {
        int dot = host.indexOf('.');
        return dot < 0 ? host : host.substring(0, dot);
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
