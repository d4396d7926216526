package dev.fleetroll.console.progress;

import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Outcome;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The progress of one operation, the one model every front-end draws: the engine reports to it as a
 * {@link BatchListener}; a {@link ProgressDisplay} shows {@link #snapshot()} as one line. An operation may run several
 * fan-outs in a row (a write, then its re-audit): the n-th {@link #started} begins the n-th phase, named by the n-th
 * verb (the last one for any later fan-out), counting from zero again.
 *
 * <p>Closing it takes it off its display (and erases the line). Thread-safe: the engine calls it from worker
 * threads.
 */
public final class Progress implements BatchListener, AutoCloseable {
    /**
     * What the line says at one moment.
     *
     * @param verb the phase's verb
     * @param done hosts finished
     * @param total hosts in the phase
     * @param failed hosts finished not OK
     * @param elapsedNanos since the phase began
     */
    public record Snapshot(String verb, int done, int total, int failed, long elapsedNanos) {
        /** {@code audit: 12/40 done, 1 failed  3.2s  (Ctrl-C cancels)}: the one format of every progress line. */
        public String text() {
            return String.format(Locale.ROOT, "%s: %d/%d done%s  %.1fs  (Ctrl-C cancels)", verb, done, total,
                    failed > 0 ? ", " + failed + " failed" : "", elapsedNanos / 1e9);
        }
    }

    private final List<String> verbs;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile String verb;
    private volatile int total;
    private volatile long startNanos = System.nanoTime();
    private volatile boolean visible;
    private volatile boolean closed;
    private int phase;
    private ProgressDisplay display;

    private Progress(List<String> verbs, int total, boolean visibleBeforeStart) {
        if (verbs.isEmpty()) {
            throw new IllegalArgumentException("no verb");
        }
        this.verbs = List.copyOf(verbs);
        this.verb = verbs.get(0);
        this.total = total;
        this.visible = visibleBeforeStart;
    }

    /** Shown at once, over {@code total} hosts (a verb that knows its hosts before the engine starts). */
    public static Progress of(String verb, int total) {
        return new Progress(List.of(verb), total, true);
    }

    /**
     * Shown only once the engine starts a fan-out, so nothing is drawn while, say, a write's plan waits for a
     * confirmation; {@code verbs} name the phases in order.
     */
    public static Progress onStart(String... verbs) {
        return new Progress(List.of(verbs), 0, false);
    }

    @Override
    public void started(int n) {
        synchronized (this) {
            verb = verbs.get(Math.min(phase++, verbs.size() - 1));
            done.set(0);
            failed.set(0);
            total = n;
            startNanos = System.nanoTime();
            visible = true;
        }
        changed(true);
    }

    @Override
    public void hostFinished(String host, Outcome outcome) {
        done.incrementAndGet();
        if (!outcome.isOk()) {
            failed.incrementAndGet();
        }
        changed(false);
    }

    /** What to draw now; null while nothing should be shown (not started yet, or closed). */
    public Snapshot snapshot() {
        if (!visible || closed) {
            return null;
        }
        synchronized (this) {
            return new Snapshot(verb, done.get(), total, failed.get(), System.nanoTime() - startNanos);
        }
    }

    synchronized void attach(ProgressDisplay d) {
        display = d;
    }

    private void changed(boolean now) {
        ProgressDisplay d;
        synchronized (this) {
            d = display;
        }
        if (d != null) {
            d.changed(this, now);
        }
    }

    @Override
    public void close() {
        closed = true;
        ProgressDisplay d;
        synchronized (this) {
            d = display;
            display = null;
        }
        if (d != null) {
            d.remove(this);
        }
    }

    /** Closes {@code listener} if it is a progress (for callers holding it as a plain {@link BatchListener}). */
    public static void close(BatchListener listener) {
        if (listener instanceof Progress p) {
            p.close();
        }
    }
}
