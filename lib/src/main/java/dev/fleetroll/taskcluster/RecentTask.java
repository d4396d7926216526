package dev.fleetroll.taskcluster;

/** One of a worker's recent task runs, as the queue's {@code getWorker} lists them (up to 20). */
public record RecentTask(String taskId, int runId) {}
