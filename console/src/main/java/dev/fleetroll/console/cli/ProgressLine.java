package dev.fleetroll.console.cli;

import dev.fleetroll.console.progress.LineControl;
import dev.fleetroll.console.progress.Progress;
import dev.fleetroll.console.progress.ProgressDisplay;
import dev.fleetroll.ssh.BatchListener;

/**
 * The CLI's progress line on stderr: a {@link Progress} on the console's one {@link ProgressDisplay}
 * ({@code auditing: 37/200 done, 2 failed  4.1s}), drawn only when stderr is a terminal.
 */
public final class ProgressLine {
    private ProgressLine() {}

    /**
     * A listener for an operation with one or more fan-outs in a row ({@code "writing", "re-auditing"}): the n-th
     * fan-out shows the n-th verb. {@link BatchListener#NONE} when stderr is not a terminal.
     */
    public static BatchListener forTerminal(CliContext ctx, String... verbs) {
        ProgressDisplay d = display(ctx);
        return d == null ? BatchListener.NONE : d.show(Progress.onStart(verbs));
    }

    /** Erases the line if {@code listener} is a progress line. */
    public static void finish(BatchListener listener) {
        Progress.close(listener);
    }

    /** The display on {@code ctx}'s stderr, or null when stderr is not a terminal. */
    static ProgressDisplay display(CliContext ctx) {
        return ctx.stderrIsTerminal()
                ? new ProgressDisplay(ctx.err(), LineControl.forTerm(ctx.env().get("TERM")), () -> DslSessions.columns(ctx))
                : null;
    }
}
