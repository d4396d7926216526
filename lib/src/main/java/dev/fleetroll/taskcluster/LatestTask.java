package dev.fleetroll.taskcluster;

/** The task a worker claimed last: a task id and the run of it. */
public record LatestTask(String taskId, int runId) {}
