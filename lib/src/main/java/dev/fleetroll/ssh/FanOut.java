package dev.fleetroll.ssh;

import dev.fleetroll.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a per-host task over many hosts with bounded concurrency: at most {@code fanout} hosts at once, started in
 * input order, results returned in input order. One host's exception becomes that host's result; the batch deadline
 * or a cancellation reports every unfinished host {@link Outcome#CANCELLED} (running tasks see the cancellation and
 * close their channels). Works for any per-host task: exec, audit, write then re-audit.
 *
 * <p>Workers are virtual threads, {@code min(fanout, hosts)} of them, each taking the next host.
 */
public final class FanOut {
    private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);
    /** How long finished-by-deadline tasks get to notice the cancellation before they are reported anyway. */
    private static final long GRACE_MILLIS = 2000;

    /** The work for one host. {@code cancellation} is the batch's: honour it (the executor does). */
    @FunctionalInterface
    public interface HostTask<T> {
        T run(String host, Cancellation cancellation) throws Exception;
    }

    /** How results of type {@code T} are made for hosts that did not finish, and how their outcome is read. */
    public interface Results<T> {
        T failure(String host, Outcome outcome, String error);

        Outcome outcomeOf(T result);
    }

    /** {@link Results} for {@link ExecResult}. */
    public static final Results<ExecResult> EXEC = new Results<>() {
        @Override
        public ExecResult failure(String host, Outcome outcome, String error) {
            if (outcome == Outcome.CANCELLED) {
                return ExecResult.cancelled(host, error);
            }
            return new ExecResult(host, outcome, null, new byte[0], new byte[0], false, null, error,
                    java.time.Instant.now(), Duration.ZERO, 0);
        }

        @Override
        public Outcome outcomeOf(ExecResult result) {
            return result.outcome();
        }
    };

    private final int fanout;

    public FanOut(int fanout) {
        if (fanout < 1) {
            throw new IllegalArgumentException("fanout must be at least 1");
        }
        this.fanout = fanout;
    }

    public int fanout() {
        return fanout;
    }

    /**
     * Runs {@code task} for each host.
     *
     * @param deadline whole-batch deadline; null or zero = none
     */
    public <T> List<T> run(List<String> hosts, HostTask<T> task, Results<T> results, BatchListener listener,
                           Cancellation cancellation, Duration deadline) {
        BatchListener l = listener == null ? BatchListener.NONE : listener;
        Cancellation outer = cancellation == null ? Cancellation.none() : cancellation;
        Cancellation batch = new Cancellation();
        Runnable unlink = outer.onCancel(() -> batch.cancel(outer.reason()));
        int n = hosts.size();
        AtomicReferenceArray<T> out = new AtomicReferenceArray<>(n);
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(n);
        safe(() -> l.started(n));
        int workers = Math.min(fanout, n);
        List<Thread> threads = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            threads.add(Thread.ofVirtual().name("fleetroll-fanout-", w).start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    String host = String.valueOf(hosts.get(i));
                    try {
                        if (batch.isCancelled()) {
                            finish(out, i, host, results.failure(host, Outcome.CANCELLED, batch.reason()), results, l);
                            continue;
                        }
                        safe(() -> l.hostStarted(host));
                        T r;
                        try {
                            r = task.run(host, batch);
                            if (r == null) {
                                r = results.failure(host, Outcome.FAILED, "internal error: no result");
                            }
                        } catch (Throwable e) {
                            LOG.debug("{}: task failed", host, e);
                            String msg = e.getMessage() == null ? e.getClass().getSimpleName()
                                    : e.getMessage().lines().findFirst().orElse("");
                            r = results.failure(host, batch.isCancelled() ? Outcome.CANCELLED : Outcome.FAILED,
                                    batch.isCancelled() ? batch.reason() : "internal error: " + msg);
                        }
                        finish(out, i, host, r, results, l);
                    } catch (Throwable e) {
                        LOG.debug("{}: result handling failed", host, e);
                    } finally {
                        done.countDown();
                    }
                }
            }));
        }
        try {
            boolean finished;
            if (deadline == null || deadline.isZero() || deadline.isNegative()) {
                done.await();
                finished = true;
            } else {
                finished = done.await(deadline.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (!finished) {
                batch.cancel("batch deadline " + Durations.format(deadline) + " passed");
                done.await(GRACE_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            batch.cancel("interrupted");
            try {
                done.await(GRACE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        } finally {
            unlink.run();
        }
        List<T> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            T r = out.get(i);
            if (r == null) {
                // still running after the grace period (or never reached): report it, leave the thread behind
                r = results.failure(String.valueOf(hosts.get(i)), Outcome.CANCELLED, batch.isCancelled() ? batch.reason() : "cancelled");
                if (out.compareAndSet(i, null, r)) {
                    String host = String.valueOf(hosts.get(i));
                    T fr = r;
                    safe(() -> l.hostFinished(host, results.outcomeOf(fr)));
                } else {
                    r = out.get(i);
                }
            }
            list.add(r);
        }
        return list;
    }

    private static <T> void finish(AtomicReferenceArray<T> out, int i, String host, T r, Results<T> results,
                                   BatchListener l) {
        if (out.compareAndSet(i, null, r)) {
            safe(() -> l.hostFinished(host, results.outcomeOf(r)));
        }
    }

    private static void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.debug("batch listener failed", e);
        }
    }

    /** Convenience for the common case: one command on every host. */
    public List<ExecResult> exec(RemoteExecutor executor, List<String> hosts, RemoteCommand command,
                                 BatchListener listener, Cancellation cancellation, Duration deadline) {
        return run(hosts, (host, c) -> executor.exec(host, command, c), EXEC, listener, cancellation, deadline);
    }

    @Override
    public String toString() {
        return "FanOut[" + fanout + "]";
    }
}
