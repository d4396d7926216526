package dev.fleetroll.console.dsl;

/**
 * Ctrl-C for non-interactive runs: the first SIGINT cancels the running verb and interrupts the script (so
 * connections are closed cleanly and pending hosts are reported cancelled); a second one ends the process.
 * Uses {@code sun.misc.Signal} (jdk.unsupported), as JLine does; where that is unavailable the JVM's default
 * handling stays.
 */
final class Interrupts {
    private Interrupts() {}

    /** Installs {@code onInterrupt}; returns a token for {@link #restore}. */
    static Object install(Runnable onInterrupt) {
        try {
            sun.misc.Signal sig = new sun.misc.Signal("INT");
            boolean[] once = {false};
            return sun.misc.Signal.handle(sig, s -> {
                if (once[0]) {
                    Runtime.getRuntime().halt(130);
                }
                once[0] = true;
                onInterrupt.run();
            });
        } catch (Throwable e) {
            return null;
        }
    }

    static void restore(Object previous) {
        if (previous instanceof sun.misc.SignalHandler h) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal("INT"), h);
            } catch (Throwable ignored) {
                // nothing to restore
            }
        }
    }
}
