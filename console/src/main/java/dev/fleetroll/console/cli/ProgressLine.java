package dev.fleetroll.console.cli;

import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Outcome;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-line progress display on stderr for fan-out: {@code auditing 37/200 hosts, 2 failed, 0:04}. Redrawn at
 * most ten times a second with a carriage return, and only when stderr is a terminal; {@link #finish()} erases it.
 */
public final class ProgressLine implements BatchListener {
    private final PrintStream err;
    private final String[] verbs;
    private volatile String verb;
    private int phase;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile int total;
    private volatile long startNanos;
    private long lastDraw;
    private int lastWidth;

    public ProgressLine(PrintStream err, String verb) {
        this(err, new String[] {verb});
    }

    /**
     * A line for an operation with several fan-outs in a row (write, then re-audit): the n-th {@link #started} shows
     * the n-th verb (the last one for any later batch), counting from zero again.
     */
    public ProgressLine(PrintStream err, String... verbs) {
        if (verbs.length == 0) {
            throw new IllegalArgumentException("no verb");
        }
        this.err = err;
        this.verbs = verbs.clone();
        this.verb = verbs[0];
    }

    /** A listener that draws on {@code err} only when it is a terminal. */
    public static BatchListener forTerminal(CliContext ctx, String verb) {
        return ctx.stderrIsTerminal() ? new ProgressLine(ctx.err(), verb) : BatchListener.NONE;
    }

    /** A phased listener ({@code "writing", "re-auditing"}) that draws only when {@code err} is a terminal. */
    public static BatchListener forTerminal(CliContext ctx, String... verbs) {
        return ctx.stderrIsTerminal() ? new ProgressLine(ctx.err(), verbs) : BatchListener.NONE;
    }

    @Override
    public synchronized void started(int total) {
        verb = verbs[Math.min(phase++, verbs.length - 1)];
        done.set(0);
        failed.set(0);
        this.total = total;
        this.startNanos = System.nanoTime();
        draw(true);
    }

    @Override
    public void hostFinished(String host, Outcome outcome) {
        done.incrementAndGet();
        if (!outcome.isOk()) {
            failed.incrementAndGet();
        }
        draw(false);
    }

    private synchronized void draw(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < 100_000_000L && done.get() < total) {
            return;
        }
        lastDraw = now;
        long s = (now - startNanos) / 1_000_000_000L;
        String text = String.format(Locale.ROOT, "%s %d/%d hosts, %d failed, %d:%02d", verb, done.get(), total,
                failed.get(), s / 60, s % 60);
        int pad = Math.max(0, lastWidth - text.length());
        err.print("\r" + text + " ".repeat(pad));
        err.flush();
        lastWidth = text.length();
    }

    /** Erases the line so the summary starts on a clean line. */
    public synchronized void finish() {
        if (lastWidth > 0) {
            err.print("\r" + " ".repeat(lastWidth) + "\r");
            err.flush();
            lastWidth = 0;
        }
    }

    /** Erases the line if {@code listener} is a progress line. */
    public static void finish(BatchListener listener) {
        if (listener instanceof ProgressLine p) {
            p.finish();
        }
    }
}
