package dev.fleetroll.util;

import java.time.Duration;

/**
 * How a remote-service client waits between attempts (backoff, rate limits): {@link #REAL} sleeps; specs pass one
 * that only records the waits, so no verdict depends on the clock.
 */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = d -> Thread.sleep(d);

    void sleep(Duration d) throws InterruptedException;
}
