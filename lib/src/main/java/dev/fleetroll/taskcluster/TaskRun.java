package dev.fleetroll.taskcluster;

import java.time.Instant;

/** One run of a task from the queue's task status: its state and, when known, when it started and resolved. */
public record TaskRun(String taskId, int runId, String state, Instant started, Instant resolved) {}
