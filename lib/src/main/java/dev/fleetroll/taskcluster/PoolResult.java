package dev.fleetroll.taskcluster;

import java.util.List;

/** The workers of one pool, or why they could not be listed (exactly one of the two is set). */
public record PoolResult(List<Worker> workers, RuntimeException error) {
    public PoolResult {
        if ((workers == null) == (error == null)) {
            throw new IllegalArgumentException("either workers or error");
        }
        workers = workers == null ? null : List.copyOf(workers);
    }

    public static PoolResult of(List<Worker> workers) {
        return new PoolResult(workers, null);
    }

    public static PoolResult failed(RuntimeException error) {
        return new PoolResult(null, error);
    }

    public boolean ok() {
        return error == null;
    }
}
