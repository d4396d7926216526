package dev.fleetroll.server;

import dev.fleetroll.monitor.FleetFeed;
import dev.fleetroll.state.HostState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one {@link FleetFeed}: a thread polls it every {@code interval} and publishes an immutable snapshot
 * (every host's state at the poll) that request threads read without locking. Each poll that finds a change bumps
 * the {@linkplain Snapshot#version() version} and wakes {@link #awaitChange} (the SSE stream); without a change the
 * snapshot is rebuilt every {@link #AGES_EVERY} so ages move on.
 */
final class LiveFleet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveFleet.class);
    /** Without a change, the snapshot is rebuilt (ages moved on) this often; cells show ages in minutes at best. */
    static final Duration AGES_EVERY = Duration.ofSeconds(5);

    /**
     * One published view.
     *
     * @param version grows with every change the feed reported
     * @param changed the hosts of the last change (empty when only external facts changed)
     */
    record Snapshot(long version, List<HostState> states, Map<String, HostState> byName, Instant asOf,
                    Set<String> changed) {}

    private final FleetFeed feed;
    private final Clock clock;
    private final Duration interval;
    private final Thread thread;
    private volatile Snapshot snapshot;
    private volatile boolean closed;

    LiveFleet(FleetFeed feed, Clock clock, Duration interval) {
        this.feed = feed;
        this.clock = clock;
        this.interval = interval;
        this.snapshot = build(0, Set.of());
        this.thread = Thread.ofPlatform().daemon().name("fleetroll-live-feed").start(this::loop);
    }

    Snapshot snapshot() {
        return snapshot;
    }

    private Snapshot build(long version, Set<String> changed) {
        Instant now = clock.instant();
        List<HostState> states = feed.states(now);
        Map<String, HostState> byName = new HashMap<>(states.size() * 2);
        states.forEach(s -> byName.put(s.name(), s));
        return new Snapshot(version, states, byName, now, changed);
    }

    private void loop() {
        while (!closed) {
            try {
                Thread.sleep(interval);
                FleetFeed.Update u = feed.poll();
                if (!u.any() && Duration.between(snapshot.asOf(), clock.instant()).compareTo(AGES_EVERY) < 0) {
                    continue; // nothing changed and ages have not moved enough to matter: keep the snapshot
                }
                Snapshot next = build(0, u.hosts());
                synchronized (this) {
                    Snapshot was = snapshot;
                    snapshot = new Snapshot(u.any() ? was.version() + 1 : was.version(), next.states(), next.byName(),
                            next.asOf(), u.any() ? u.hosts() : was.changed());
                    if (u.any()) {
                        notifyAll();
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("live feed poll failed: {}", e.getMessage());
            }
        }
    }

    /**
     * Tells listeners that {@code host} changed although the store's marks may not show it (an action just wrote its
     * audit-log record, which the store does not track), so open pages reload its detail.
     */
    void nudge(String host) {
        synchronized (this) {
            Snapshot s = snapshot;
            snapshot = new Snapshot(s.version() + 1, s.states(), s.byName(), s.asOf(), Set.of(host));
            notifyAll();
        }
    }

    /** Waits until the version passes {@code seen}, at most {@code max}; returns the snapshot then. */
    Snapshot awaitChange(long seen, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (this) {
            while (!closed && snapshot.version() <= seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return snapshot;
        }
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        synchronized (this) {
            notifyAll();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
