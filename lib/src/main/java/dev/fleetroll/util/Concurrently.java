package dev.fleetroll.util;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * One call per key, at most a given number at a time, each key's value or failure kept: what listing Taskcluster
 * pools, reading GitHub repositories and looking up workers' tasks all need (one key failing must not lose the
 * others). Calls run on virtual threads; the number in flight is bounded by a semaphore, not by a thread pool.
 */
public final class Concurrently {
    private Concurrently() {}

    /** A key's result: its value, or the exception its call threw. */
    public record Outcome<V>(V value, RuntimeException error) {
        public boolean ok() {
            return error == null;
        }
    }

    /**
     * Calls {@code call} once for each distinct key, at most {@code limit} at a time, and returns each key's
     * {@link Outcome} in the order of {@code keys}. A call's {@link RuntimeException} is its key's outcome; an
     * {@link Error} is thrown.
     *
     * @throws InterruptedException when interrupted while waiting (calls still running are interrupted)
     */
    public static <K, V> Map<K, Outcome<V>> map(Collection<K> keys, int limit, Function<K, V> call)
            throws InterruptedException {
        Semaphore permits = new Semaphore(Math.max(1, limit));
        Map<K, Future<V>> futures = new LinkedHashMap<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (K k : keys) {
                if (!futures.containsKey(k)) {
                    futures.put(k, ex.submit(() -> {
                        permits.acquire();
                        try {
                            return call.apply(k);
                        } finally {
                            permits.release();
                        }
                    }));
                }
            }
            Map<K, Outcome<V>> out = new LinkedHashMap<>();
            try {
                for (Map.Entry<K, Future<V>> e : futures.entrySet()) {
                    out.put(e.getKey(), outcome(e.getValue()));
                }
            } catch (InterruptedException e) {
                ex.shutdownNow();
                throw e;
            }
            return out;
        }
    }

    private static <V> Outcome<V> outcome(Future<V> f) throws InterruptedException {
        try {
            return new Outcome<>(f.get(), null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                return new Outcome<>(null, r);
            }
            if (cause instanceof Error err) {
                throw err;
            }
            // a checked exception: only InterruptedException (from the permit) can get here
            return new Outcome<>(null, new IllegalStateException("interrupted before it started", cause));
        }
    }
}
