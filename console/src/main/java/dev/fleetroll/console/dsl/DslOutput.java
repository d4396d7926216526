package dev.fleetroll.console.dsl;

import dev.fleetroll.console.progress.Progress;
import dev.fleetroll.console.progress.ProgressDisplay;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * Where DSL output goes. {@link #out()} carries results (tables, exec output, the script's {@code println});
 * {@link #info} carries summaries and {@code log} lines (stderr for scripts, so stdout stays clean for
 * {@code json()}); {@link #progress} draws a live "12/40 done" line on the terminal through the console's one
 * {@link ProgressDisplay}, and nothing at all when the status stream is not a terminal.
 *
 * <p>The progress line is erased before any other output reaches the terminal and redrawn on the next tick, so
 * {@code println} from a script never lands in the middle of it.
 */
public final class DslOutput {
    private final PrintStream out;
    private final PrintStream info;
    private final ProgressDisplay display;
    private final boolean colour;
    private final IntSupplier width;

    /**
     * @param out results stream
     * @param info summaries and log lines
     * @param display the terminal's progress display (null: no progress line)
     * @param colour whether tables may use colour
     * @param width terminal width, 0 when unknown
     */
    public DslOutput(OutputStream out, OutputStream info, ProgressDisplay display, boolean colour, IntSupplier width) {
        this.display = display;
        this.out = new PrintStream(display == null ? out : display.guard(out), true, StandardCharsets.UTF_8);
        this.info = new PrintStream(display == null ? info : display.guard(info), true, StandardCharsets.UTF_8);
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
        return show(Progress.of(verb, total));
    }

    /**
     * A progress line that appears only when the engine starts a fan-out (each {@code started} begins a new phase:
     * the write, then {@code verb (re-audit)}), so nothing is drawn while a write's plan waits for confirmation.
     */
    public Progress progressOnStart(String verb) {
        return show(Progress.onStart(verb, verb + " (re-audit)"));
    }

    private Progress show(Progress p) {
        return display == null ? p : display.show(p);
    }
}
