package dev.fleetroll.console.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C for long CLI commands: the first SIGINT runs the given action (cancel the batch, stop a loop) instead of
 * killing the JVM, so the command can report what it has and exit 130; a second SIGINT exits at once.
 */
public final class Interrupts {
    private Interrupts() {}

    /** Installs {@code onInterrupt} for SIGINT and returns a handle that restores the previous handler. */
    public static Runnable onSigint(Runnable onInterrupt) {
        Signal sigint = new Signal("INT");
        SignalHandler[] previous = new SignalHandler[1];
        boolean[] seen = new boolean[1];
        try {
            previous[0] = Signal.handle(sigint, s -> {
                if (seen[0]) {
                    Runtime.getRuntime().halt(Cli.INTERRUPTED);
                }
                seen[0] = true;
                onInterrupt.run();
            });
        } catch (IllegalArgumentException e) {
            return () -> {}; // signal not available here (e.g. some embedded JVMs)
        }
        return () -> Signal.handle(sigint, previous[0]);
    }
}
