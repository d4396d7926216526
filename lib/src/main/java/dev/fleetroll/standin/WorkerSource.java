package dev.fleetroll.standin;

import java.util.List;
import java.util.Optional;

/**
 * Where the Taskcluster stand-in gets its workers and tasks from (a fixed list in specs and benchmarks, the sandbox
 * fleet for {@code sandbox up}). Quarantines are not the source's business: the stand-in keeps them itself.
 * Implementations are called from several server threads at once.
 */
public interface WorkerSource {
    /** The pool's workers in a stable order; empty for an unknown pool. */
    List<StandInWorker> workers(String provisionerId, String workerType);

    Optional<StandInTask> task(String taskId);
}
