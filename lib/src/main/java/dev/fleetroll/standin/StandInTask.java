package dev.fleetroll.standin;

import java.time.Instant;
import java.util.List;

/** A task as the stand-in's queue reports its status: its runs, in runId order. */
public record StandInTask(String taskId, List<Run> runs) {
    /** One run: state ({@code running}, {@code completed}, {@code failed}, {@code exception}, ...) and times. */
    public record Run(int runId, String state, Instant started, Instant resolved, String workerGroup, String workerId) {}

    public StandInTask {
        runs = List.copyOf(runs);
    }

    /** The task's state: its last run's, or {@code pending} without runs. */
    public String state() {
        return runs.isEmpty() ? "pending" : runs.getLast().state();
    }
}
