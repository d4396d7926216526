package dev.fleetroll.console.dsl;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one statement (a REPL line, or a whole script) on its own thread and waits for it. It is the one place that
 * knows how a running statement is stopped, for the REPL and for scripts alike:
 *
 * <ol>
 *   <li>{@link #stop} (Ctrl-C from the signal thread, or the run's timeout) cancels the session's running verb at
 *       once: the engine reports pending hosts cancelled and closes running channels;
 *   <li>if the statement is still running {@link Timings#interruptAfter} later (user code looping or sleeping), its
 *       thread is interrupted;
 *   <li>if even that has not ended it {@link Timings#abandonAfter} after the stop, the wait gives up and the
 *       statement is left to stop in the background (its thread is a daemon, so it never keeps the process alive).
 * </ol>
 *
 * One worker runs one statement; the first {@link #stop} wins, later ones are ignored.
 */
public final class StatementWorker {
    /** How long a stopped statement gets before its thread is interrupted, and before the wait gives up on it. */
    public record Timings(Duration interruptAfter, Duration abandonAfter) {
        /** The console: the prompt is back at most 1.6 s after Ctrl-C. */
        public static final Timings REPL = new Timings(Duration.ofMillis(600), Duration.ofMillis(1600));
        /**
         * Scripts: no one waits at a prompt, so the cancelled verb gets 2 s to finish its report (under heavy load
         * closing channels and storing what was seen takes longer than the console's 0.6 s, and an interrupt in the
         * middle of that loses the report); the process exits at most 5 s after Ctrl-C or its timeout.
         */
        public static final Timings SCRIPT = new Timings(Duration.ofSeconds(2), Duration.ofSeconds(5));

        public Timings {
            if (interruptAfter.compareTo(abandonAfter) > 0) {
                throw new IllegalArgumentException("interruptAfter must not exceed abandonAfter");
            }
        }
    }

    /**
     * How a statement ended.
     *
     * @param value what it returned (null when it threw or was abandoned)
     * @param failure what it threw, or null
     * @param stopReason why it was asked to stop ({@code "interrupted"}, {@code "timed out"}), or null if it was not
     * @param abandoned true when the wait gave up on a statement that did not stop
     */
    public record Outcome(Object value, Throwable failure, String stopReason, boolean abandoned) {
        public boolean stopped() {
            return stopReason != null;
        }
    }

    private record Stop(String why, long atNanos) {}

    private static final long POLL_MILLIS = 50;

    private final DslSession session;
    private final Timings timings;
    private final AtomicReference<Stop> stop = new AtomicReference<>();

    public StatementWorker(DslSession session, Timings timings) {
        this.session = session;
        this.timings = timings;
    }

    /** Asks the statement to stop (any thread; the first call wins): cancels the session's running verb now. */
    public void stop(String why) {
        if (stop.compareAndSet(null, new Stop(why, System.nanoTime()))) {
            session.cancel(why);
        }
    }

    /** Whether {@link #stop} was called (e.g. Ctrl-C while the statement was still compiling: do not start it). */
    public boolean stopRequested() {
        return stop.get() != null;
    }

    /**
     * Runs {@code body} on a new daemon thread named {@code threadName} and waits as described above.
     *
     * @param loader the thread's context class loader (the Groovy shell's), or null to inherit
     * @param timeout stop the statement with reason {@code "timed out"} after this long; null for no limit
     */
    public Outcome run(Callable<Object> body, String threadName, ClassLoader loader, Duration timeout) {
        AtomicReference<Object> value = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().daemon().name(threadName).unstarted(() -> {
            try {
                value.set(body.call());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        if (loader != null) {
            thread.setContextClassLoader(loader);
        }
        long started = System.nanoTime();
        boolean interruptSent = false;
        thread.start();
        try {
            while (thread.isAlive()) {
                thread.join(POLL_MILLIS);
                if (timeout != null && System.nanoTime() - started > timeout.toNanos()) {
                    stop("timed out");
                }
                Stop s = stop.get();
                if (s == null) {
                    continue;
                }
                long since = System.nanoTime() - s.atNanos();
                if (!interruptSent && since > timings.interruptAfter().toNanos()) {
                    interruptSent = true;
                    thread.interrupt();
                }
                if (thread.isAlive() && since > timings.abandonAfter().toNanos()) {
                    return new Outcome(null, null, s.why(), true);
                }
            }
        } catch (InterruptedException e) { // the waiting thread itself was interrupted: stop the statement too
            stop("interrupted");
            thread.interrupt();
            Thread.currentThread().interrupt();
            return new Outcome(null, failure.get(), "interrupted", thread.isAlive());
        }
        Stop s = stop.get();
        return new Outcome(value.get(), failure.get(), s == null ? null : s.why(), false);
    }
}
