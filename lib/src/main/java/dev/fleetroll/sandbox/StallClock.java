package dev.fleetroll.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * Decides when waiting on something that works at its own pace has become pointless: not after a fixed time (a
 * busy machine makes everything slow), but after a stretch of time in which the thing showed no sign of life at
 * all. The caller looks now and then and passes what it saw (any value with {@code equals}); every change restarts
 * the stall budget.
 */
final class StallClock {
    private final long budgetNanos;
    private Object lastSign;
    private long lastChange;
    private boolean started;

    StallClock(Duration budget) {
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("stall budget must be positive: " + budget);
        }
        this.budgetNanos = budget.toNanos();
    }

    /** Records what was seen at {@code nanoTime}; true when nothing has changed for longer than the budget. */
    boolean stalled(Object sign, long nanoTime) {
        if (!started || !Objects.equals(sign, lastSign)) {
            started = true;
            lastSign = sign;
            lastChange = nanoTime;
            return false;
        }
        return nanoTime - lastChange > budgetNanos;
    }

    /** Whole seconds since the last change, as of {@code nanoTime}. */
    long quietSeconds(long nanoTime) {
        return Duration.ofNanos(nanoTime - lastChange).toSeconds();
    }
}
