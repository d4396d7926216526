package dev.fleetroll.standin;

import java.time.Instant;
import java.util.List;

/**
 * A worker as the Taskcluster stand-in serves it. Null fields are left out of answers (or get the service's
 * defaults: state {@code standalone}, capacity 0, provider {@code none}). The last of {@code recentTasks} is the
 * worker's latest task.
 */
public record StandInWorker(String workerGroup, String workerId, String state, Integer capacity, String providerId,
                            Instant firstClaim, Instant lastDateActive, Instant expires, List<TaskRef> recentTasks) {
    /** A task run a worker took. */
    public record TaskRef(String taskId, int runId) {}

    public StandInWorker {
        if (workerGroup == null || workerId == null) {
            throw new IllegalArgumentException("workerGroup and workerId are required");
        }
        recentTasks = recentTasks == null ? List.of() : List.copyOf(recentTasks);
    }

    /** A running worker that first claimed work at {@code firstClaim}, with no tasks. */
    public static StandInWorker of(String workerGroup, String workerId, Instant firstClaim) {
        return new StandInWorker(workerGroup, workerId, "running", 1, "static", firstClaim, firstClaim, null, List.of());
    }

    public TaskRef latestTask() {
        return recentTasks.isEmpty() ? null : recentTasks.getLast();
    }
}
