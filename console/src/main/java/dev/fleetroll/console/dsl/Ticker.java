package dev.fleetroll.console.dsl;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The DSL's time source for waiting: {@code sleep}, {@code waitFor}'s deadline and pauses. The real one reads
 * {@link System#nanoTime()} and sleeps the thread; specs give a session a {@link #manual()} one whose sleeps advance
 * time at once, so what a wait decides follows from its arguments and not from how busy the machine is.
 */
public interface Ticker {
    /** Nanoseconds from an arbitrary origin, like {@link System#nanoTime()}. */
    long nanoTime();

    /** Waits about {@code nanos}; interruptible. */
    void sleep(long nanos) throws InterruptedException;

    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(long nanos) throws InterruptedException {
            Thread.sleep(Math.max(1, (nanos + 999_999) / 1_000_000));
        }
    };

    /** Time that moves only when something sleeps on it. */
    static Ticker manual() {
        AtomicLong now = new AtomicLong();
        return new Ticker() {
            @Override
            public long nanoTime() {
                return now.get();
            }

            @Override
            public void sleep(long nanos) throws InterruptedException {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                now.addAndGet(Math.max(1, nanos));
            }
        };
    }
}
