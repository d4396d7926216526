package dev.fleetroll.console.dsl;

import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Where DSL output goes. {@link #out()} carries results (tables, exec output, the script's {@code println});
 * {@link #info} carries summaries and {@code log} lines (stderr for scripts, so stdout stays clean for
 * {@code json()}); {@link #progress} draws a live "12/40 done" line on the terminal, and nothing at all when the
 * status stream is not a terminal.
 *
 * <p>The progress line is erased before any other output reaches the terminal and redrawn on the next tick, so
 * {@code println} from a script never lands in the middle of it.
 */
public final class DslOutput {
    private final PrintStream out;
    private final PrintStream info;
    private final boolean animate;
    private final boolean colour;
    private final IntSupplier width;
    private final Object lock = new Object();
    private volatile Progress current;
    private volatile boolean lineShown;
    private final OutputStream rawStatus;

    /**
     * @param out results stream
     * @param info summaries and log lines
     * @param status the terminal stream the progress line is drawn on (null: no progress line)
     * @param colour whether tables may use colour
     * @param width terminal width, 0 when unknown
     */
    public DslOutput(OutputStream out, OutputStream info, OutputStream status, boolean colour, IntSupplier width) {
        this.rawStatus = status;
        this.animate = status != null;
        this.out = new PrintStream(new Guard(out), true, StandardCharsets.UTF_8);
        this.info = new PrintStream(new Guard(info), true, StandardCharsets.UTF_8);
        this.colour = colour;
        this.width = width == null ? () -> 0 : width;
    }

    /** Plain output for scripts and tests: no colour, no progress. */
    public static DslOutput plain(OutputStream out, OutputStream info) {
        return new DslOutput(out, info, null, false, () -> 0);
    }

    public PrintStream out() {
        return out;
    }

    public void info(String line) {
        info.println(line);
    }

    public boolean colour() {
        return colour;
    }

    /** Terminal width in columns, 0 when not a terminal. */
    public int width() {
        return width.getAsInt();
    }

    /** Starts a progress line for {@code verb} over {@code total} hosts; close it when the verb is done. */
    public Progress progress(String verb, int total) {
        Progress p = new Progress(verb, total);
        if (animate) {
            current = p;
            Thread t = Thread.ofPlatform().daemon().name("fleetroll-progress").unstarted(() -> tick(p));
            p.ticker = t;
            t.start();
        }
        return p;
    }

    /**
     * A progress line that appears only when the engine starts a fan-out (each {@code started} begins a new line,
     * e.g. the write, then the re-audit), so nothing is drawn while a write's plan waits for confirmation.
     */
    public PhasedProgress progressOnStart(String verb) {
        return new PhasedProgress(verb);
    }

    /** See {@link #progressOnStart}. */
    public final class PhasedProgress implements BatchListener, AutoCloseable {
        private final String verb;
        private Progress phase;
        private int phases;

        PhasedProgress(String verb) {
            this.verb = verb;
        }

        @Override
        public synchronized void started(int total) {
            if (phase != null) {
                phase.close();
            }
            phases++;
            phase = progress(phases == 1 ? verb : verb + " (re-audit)", total);
            phase.started(total);
        }

        @Override
        public synchronized void hostFinished(String host, Outcome outcome) {
            if (phase != null) {
                phase.hostFinished(host, outcome);
            }
        }

        @Override
        public synchronized void close() {
            if (phase != null) {
                phase.close();
                phase = null;
            }
        }
    }

    private void tick(Progress p) {
        try {
            Thread.sleep(150);
            while (!p.closed) {
                draw(p);
                Thread.sleep(200);
            }
        } catch (InterruptedException ignored) {
            // closed
        }
    }

    private void draw(Progress p) {
        synchronized (lock) {
            if (p.closed || current != p) {
                return;
            }
            String text = p.text();
            int w = width();
            if (w > 1 && text.length() >= w) {
                text = text.substring(0, w - 1);
            }
            writeStatus("\r" + text + "\033[K");
            lineShown = true;
        }
    }

    private void erase() {
        if (lineShown) {
            writeStatus("\r\033[K");
            lineShown = false;
        }
    }

    private void writeStatus(String s) {
        try {
            rawStatus.write(s.getBytes(StandardCharsets.UTF_8));
            rawStatus.flush();
        } catch (IOException ignored) {
            // the terminal went away; output is best effort
        }
    }

    /** A running verb's progress; also the {@link BatchListener} the engine reports to. */
    public final class Progress implements BatchListener, AutoCloseable {
        private final String verb;
        private final long started = System.nanoTime();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private volatile int total;
        private volatile boolean closed;
        private Thread ticker;

        Progress(String verb, int total) {
            this.verb = verb;
            this.total = total;
        }

        @Override
        public void started(int n) {
            total = n;
        }

        @Override
        public void hostFinished(String host, Outcome outcome) {
            done.incrementAndGet();
            if (outcome != Outcome.OK) {
                failed.incrementAndGet();
            }
        }

        String text() {
            double s = (System.nanoTime() - started) / 1e9;
            return String.format(Locale.ROOT, "%s: %d/%d done%s  %.1fs  (Ctrl-C cancels)", verb, done.get(), total,
                    failed.get() > 0 ? ", " + failed.get() + " failed" : "", s);
        }

        @Override
        public void close() {
            closed = true;
            if (ticker != null) {
                ticker.interrupt();
            }
            synchronized (lock) {
                if (current == this) {
                    current = null;
                    erase();
                }
            }
        }
    }

    /** Erases the progress line before anything else is written to the terminal. */
    private final class Guard extends OutputStream {
        private final OutputStream target;

        Guard(OutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            synchronized (lock) {
                erase();
                target.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (lock) {
                erase();
                target.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }
    }
}
