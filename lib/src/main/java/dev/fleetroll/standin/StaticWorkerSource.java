package dev.fleetroll.standin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory {@link WorkerSource} filled by the caller: for specs and benchmarks. Thread-safe. */
public final class StaticWorkerSource implements WorkerSource {
    private final Map<String, List<StandInWorker>> pools = new ConcurrentHashMap<>();
    private final Map<String, StandInTask> tasks = new ConcurrentHashMap<>();

    /** Adds workers to a pool (after the ones already there). */
    public StaticWorkerSource add(String provisionerId, String workerType, List<StandInWorker> workers) {
        pools.compute(provisionerId + "/" + workerType, (k, old) -> {
            List<StandInWorker> all = old == null ? new ArrayList<>() : new ArrayList<>(old);
            all.addAll(workers);
            return List.copyOf(all);
        });
        return this;
    }

    public StaticWorkerSource add(StandInTask task) {
        tasks.put(task.taskId(), task);
        return this;
    }

    @Override
    public List<StandInWorker> workers(String provisionerId, String workerType) {
        return pools.getOrDefault(provisionerId + "/" + workerType, List.of());
    }

    @Override
    public Optional<StandInTask> task(String taskId) {
        return Optional.ofNullable(tasks.get(taskId));
    }
}
