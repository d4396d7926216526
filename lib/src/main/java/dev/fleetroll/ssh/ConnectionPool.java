package dev.fleetroll.ssh;

import dev.fleetroll.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.schmizz.concurrent.Promise;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.connection.ConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection per host, opened on first use by whichever thread needs it (through {@link SshConnector}), shared
 * by later commands from any thread. On the shared timer thread it sends keep-alives ({@code keepalive@openssh.com};
 * {@value #KEEPALIVE_MAX_MISSED} unanswered close the connection), closes connections idle for {@code idleClose}
 * (not while a connection through them is open) and drops those the server closed.
 *
 * <p>A ProxyJump host's connection is pooled like any other, under the key {@code "jump " + route}; the
 * connections through it count as its dependents.
 */
final class ConnectionPool {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);
    private static final int KEEPALIVE_MAX_MISSED = 3;

    /** A connection to use, or why there is none. */
    record Lease(SSHClient client, ConnectFailure failure) {}

    private final SshConnector connector;
    private final SshjExecutor.Settings settings;
    private final Map<String, PoolSlot> slots = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ConnectionPool(SshConnector connector, SshjExecutor.Settings settings, ScheduledExecutorService timer) {
        this.connector = connector;
        this.settings = settings;
        long tick = Math.max(250, Math.min(tickOf(settings.keepaliveInterval()), tickOf(settings.idleClose()) / 2));
        timer.scheduleWithFixedDelay(this::maintain, tick, tick, TimeUnit.MILLISECONDS);
    }

    private static long tickOf(Duration d) {
        return d == null || d.isZero() || d.isNegative() ? 30_000 : Math.min(30_000, d.toMillis());
    }

    /** The slot for {@code key} (a host alias, or {@code "jump " + route}), created on first use. */
    PoolSlot slot(String key) {
        return slots.computeIfAbsent(key, PoolSlot::new);
    }

    /** Hosts with an open connection. */
    int openConnections() {
        return (int) slots.values().stream().filter(s -> s.client != null).count();
    }

    /**
     * The slot's connection, opening it if needed; {@code attempts[0]} is set to the handshakes it took. The
     * handshake runs in its own virtual thread so that a cancelled caller returns at once while the handshake
     * finishes for whoever comes next.
     */
    Lease connection(PoolSlot slot, ResolvedHost rh, Cancellation cancel, int[] attempts) {
        CompletableFuture<SSHClient> f;
        synchronized (slot) {
            SSHClient c = slot.client;
            if (c != null) {
                if (PoolSlot.alive(c)) {
                    return new Lease(c, null);
                }
                slot.detach();
                SshConnector.disconnectQuietly(c);
            }
            if (slot.connecting == null) {
                CompletableFuture<SSHClient> nf = new CompletableFuture<>();
                slot.connecting = nf;
                Thread.startVirtualThread(() -> connectInto(slot, rh, nf));
            }
            f = slot.connecting;
        }
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        Runnable unregister = cancel.onCancel(() -> cancelled.complete(null));
        try {
            CompletableFuture.anyOf(f, cancelled).get();
            if (!f.isDone()) {
                return new Lease(null, new ConnectFailure(Outcome.CANCELLED, cancel.reason(), false, 0));
            }
            SSHClient c = f.get();
            attempts[0] = Math.max(attempts[0], 1);
            return new Lease(c, null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConnectFailure.Thrown t) {
                attempts[0] = t.failure.attempts();
                return new Lease(null, t.failure);
            }
            return new Lease(null, ConnectFailure.of(Outcome.UNREACHABLE, SshConnector.oneLine(e.getCause())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Lease(null, new ConnectFailure(Outcome.CANCELLED, "interrupted", false, 0));
        } finally {
            unregister.run();
        }
    }

    private void connectInto(PoolSlot slot, ResolvedHost rh, CompletableFuture<SSHClient> future) {
        try {
            PoolSlot via = rh.proxyJump().isEmpty() ? null : slot("jump " + rh.proxyJump().getLast().route());
            SSHClient client = connector.connect(rh, via == null ? null : () -> jumpClient(via, rh.proxyJump().getLast()));
            if (via != null) {
                via.dependents.incrementAndGet();
            }
            synchronized (slot) {
                slot.connecting = null;
                if (closed) {
                    SshConnector.disconnectQuietly(client);
                    if (via != null) {
                        via.dependents.decrementAndGet();
                    }
                    future.completeExceptionally(new ConnectFailure(Outcome.CANCELLED, "executor closed", false, 1).thrown());
                    return;
                }
                slot.adopt(client, via);
            }
            future.complete(client);
        } catch (Throwable e) {
            synchronized (slot) {
                slot.connecting = null;
            }
            future.completeExceptionally(e instanceof ConnectFailure.Thrown
                    ? e : ConnectFailure.of(Outcome.UNREACHABLE, SshConnector.oneLine(e)).thrown());
        }
    }

    /** The jump host's pooled connection (opened, recursively for chains, when needed). */
    private SSHClient jumpClient(PoolSlot via, ResolvedHost jump) throws ConnectFailure.Thrown {
        Lease jc = connection(via, jump, Cancellation.none(), new int[1]);
        if (jc.failure() != null) {
            ConnectFailure f = jc.failure();
            throw ConnectFailure.of(f.outcome() == Outcome.CANCELLED ? Outcome.UNREACHABLE : f.outcome(),
                    "jump host " + jump.alias() + ": " + f.message()).thrown();
        }
        return jc.client();
    }

    /**
     * Closes {@code c}, the slot's connection, unless a command is using it or a connection goes through it
     * ({@code closeWhenDone}). The slot forgets it at once, so the next command opens a new connection.
     */
    void release(PoolSlot slot, SSHClient c) {
        synchronized (slot) {
            if (slot.client != c || slot.active.get() > 0 || slot.dependents.get() > 0) {
                return;
            }
            slot.detach();
        }
        Thread.startVirtualThread(() -> slot.invalidate(c));
    }

    /** Idle reaper and keep-alive, on the shared timer thread (work that may block runs on virtual threads). */
    private void maintain() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        long idleNanos = settings.idleClose() == null ? Long.MAX_VALUE : settings.idleClose().toNanos();
        long kaNanos = settings.keepaliveInterval() == null || settings.keepaliveInterval().isZero()
                ? Long.MAX_VALUE : settings.keepaliveInterval().toNanos();
        for (PoolSlot s : slots.values()) {
            SSHClient c;
            synchronized (s) {
                c = s.client;
                if (c == null || s.active.get() > 0) {
                    continue;
                }
                if (!PoolSlot.alive(c)) {
                    LOG.debug("{}: pooled connection closed by the server", s.key);
                    Thread.startVirtualThread(() -> s.invalidate(c));
                    continue;
                }
                if (s.dependents.get() == 0 && now - s.lastUsed > idleNanos) {
                    LOG.debug("{}: idle for {}; closing", s.key, Durations.format(settings.idleClose()));
                    Thread.startVirtualThread(() -> s.invalidate(c));
                    continue;
                }
                if (now - s.lastUsed < kaNanos) {
                    continue;
                }
                Promise<SSHPacket, ConnectionException> previous = s.keepalive;
                if (previous != null && !previous.isFulfilled()) {
                    if (++s.missed >= KEEPALIVE_MAX_MISSED) {
                        LOG.debug("{}: {} keep-alives unanswered; closing", s.key, s.missed);
                        Thread.startVirtualThread(() -> s.invalidate(c));
                        continue;
                    }
                } else {
                    s.missed = 0;
                }
            }
            Thread.startVirtualThread(() -> {
                try {
                    s.keepalive = c.getConnection().sendGlobalRequest("keepalive@openssh.com", true, new byte[0]);
                } catch (Exception e) {
                    s.invalidate(c);
                }
            });
        }
    }

    /** Closes every connection (in parallel, waiting up to 2 s for each); later handshakes are dropped on arrival. */
    void close() {
        closed = true;
        long t0 = System.nanoTime();
        List<Thread> closers = new ArrayList<>();
        for (PoolSlot s : slots.values()) {
            SSHClient c = s.client;
            s.client = null;
            if (c != null) {
                closers.add(Thread.startVirtualThread(() -> SshConnector.disconnectQuietly(c)));
            }
        }
        for (Thread t : closers) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        slots.clear();
        LOG.debug("closed {} connections in {} ms", closers.size(), (System.nanoTime() - t0) / 1_000_000);
    }
}
