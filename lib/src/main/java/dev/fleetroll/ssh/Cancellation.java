package dev.fleetroll.ssh;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cancellation signal shared by a batch: Ctrl-C in the console, a script timeout, or the batch deadline.
 * Running commands register a callback that closes their channel; pending hosts are reported
 * {@link Outcome#CANCELLED}. Connections stay open and usable.
 */
public final class Cancellation {
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private volatile String reason = "cancelled";

    /** A token that is never cancelled. */
    public static Cancellation none() {
        return new Cancellation();
    }

    public void cancel(String why) {
        reason = why;
        if (cancelled.compareAndSet(false, true)) {
            for (Runnable r : callbacks) {
                try {
                    r.run();
                } catch (RuntimeException ignored) {
                    // a failing callback must not stop the others
                }
            }
        }
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    public String reason() {
        return reason;
    }

    /**
     * Runs {@code callback} on cancellation (immediately if already cancelled). Returns a handle that
     * unregisters it; call it when the guarded work finishes.
     */
    public Runnable onCancel(Runnable callback) {
        callbacks.add(callback);
        if (cancelled.get()) {
            callback.run();
        }
        return () -> callbacks.remove(callback);
    }
}
