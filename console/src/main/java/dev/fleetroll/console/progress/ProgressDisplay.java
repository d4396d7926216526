package dev.fleetroll.console.progress;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * Draws a {@link Progress} as one status line on a terminal: the one renderer of the CLI and the DSL. It redraws
 * when the counts change (at most ten times a second) and on a 200 ms tick (so the elapsed time moves), cuts the line
 * to the terminal's width, and moves with the terminal's own capabilities ({@link LineControl}). Output that goes to
 * the same terminal through {@link #guard} erases the line first, so a {@code println} never lands in the middle of
 * it; the next tick draws it again below.
 *
 * <p>When the stream is not a terminal there is no display at all: callers pass {@link
 * dev.fleetroll.ssh.BatchListener#NONE} (or a {@link Progress} never shown), and plain summary lines say the rest.
 */
public final class ProgressDisplay {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long TICK_MILLIS = 200;

    private final OutputStream terminal;
    private final LineControl control;
    private final IntSupplier width;
    private final Object lock = new Object();
    private Progress current;
    private int shownWidth;
    private long lastDraw;

    /**
     * @param terminal the terminal's stream (stderr)
     * @param control how to redraw a line on it
     * @param width the terminal's width in columns, 0 when unknown
     */
    public ProgressDisplay(OutputStream terminal, LineControl control, IntSupplier width) {
        this.terminal = terminal;
        this.control = control;
        this.width = width == null ? () -> 0 : width;
    }

    /** Shows {@code p} (replacing whatever was shown) until it is closed; returns it. */
    public Progress show(Progress p) {
        synchronized (lock) {
            current = p;
        }
        p.attach(this);
        Thread.ofPlatform().daemon().name("fleetroll-progress").start(() -> tick(p));
        return p;
    }

    /** {@code target}, erasing the status line before each write to it. */
    public OutputStream guard(OutputStream target) {
        return new OutputStream() {
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
        };
    }

    void changed(Progress p, boolean now) {
        synchronized (lock) {
            long t = System.nanoTime();
            if (current != p || !now && t - lastDraw < REDRAW_NANOS) {
                return;
            }
            draw(p, t);
        }
    }

    void remove(Progress p) {
        synchronized (lock) {
            if (current == p) {
                current = null;
                erase();
            }
        }
    }

    private void tick(Progress p) {
        try {
            while (true) {
                Thread.sleep(TICK_MILLIS);
                synchronized (lock) {
                    if (current != p) {
                        return;
                    }
                    draw(p, System.nanoTime());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Under {@link #lock}. */
    private void draw(Progress p, long now) {
        Progress.Snapshot s = p.snapshot();
        if (s == null) {
            return;
        }
        String text = s.text();
        int w = width.getAsInt();
        if (w > 1 && text.length() >= w) {
            text = text.substring(0, w - 1); // never the last column: some terminals wrap there
        }
        write(control.redraw(text, shownWidth));
        shownWidth = text.length();
        lastDraw = now;
    }

    /** Under {@link #lock}. */
    private void erase() {
        if (shownWidth > 0) {
            write(control.erase(shownWidth));
            shownWidth = 0;
        }
    }

    private void write(String s) {
        try {
            terminal.write(s.getBytes(StandardCharsets.UTF_8));
            terminal.flush();
        } catch (IOException ignored) {
            // the terminal went away; progress is best effort
        }
    }
}
