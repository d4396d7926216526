package dev.fleetroll.ssh;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.schmizz.concurrent.Promise;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.connection.ConnectionException;

/**
 * The {@link ConnectionPool}'s place for one host (or jump route): its current connection, if any, the handshake
 * in progress, the channels in use (at most {@value #CHANNELS_PER_HOST}), the connections that go through it, its
 * resident shells, and its keep-alive state. The connection and its state change under the slot's monitor.
 */
final class PoolSlot {
    static final int CHANNELS_PER_HOST = 8;

    final String key;
    private final Semaphore channels = new Semaphore(CHANNELS_PER_HOST, true);
    /** Channels in use: a slot with any is neither idle nor kept alive. */
    final AtomicInteger active = new AtomicInteger();
    /** Connections of other slots that go through this one (ProxyJump): it is not closed while idle then. */
    final AtomicInteger dependents = new AtomicInteger();
    /** Resident shells of the current connection, by the command line that started them. */
    final Map<String, ResidentShell> resident = new ConcurrentHashMap<>();
    volatile SSHClient client;
    /** The jump host's slot this connection goes through, or null. */
    volatile PoolSlot via;
    volatile long lastUsed = System.nanoTime();
    /** The handshake in progress (guarded by the monitor). */
    CompletableFuture<SSHClient> connecting;
    volatile Promise<SSHPacket, ConnectionException> keepalive;
    /** Keep-alives unanswered in a row (guarded by the monitor). */
    int missed;

    PoolSlot(String key) {
        this.key = key;
    }

    /** True for a connection that is authenticated and whose transport still runs. */
    static boolean alive(SSHClient c) {
        return c != null && c.isAuthenticated() && c.getTransport().isRunning();
    }

    /** The slot was just used: its idle time (and its jump host's) starts again. */
    void touch() {
        lastUsed = System.nanoTime();
        PoolSlot v = via;
        if (v != null) {
            v.touch();
        }
    }

    /** Takes {@code c} as this slot's connection, through {@code through} (or directly). */
    synchronized void adopt(SSHClient c, PoolSlot through) {
        client = c;
        via = through;
        missed = 0;
        keepalive = null;
        touch();
    }

    /** Forgets the current connection without closing it; the caller closes it. */
    synchronized void detach() {
        client = null;
        keepalive = null;
        missed = 0;
        PoolSlot v = via;
        via = null;
        if (v != null) {
            v.dependents.decrementAndGet();
        }
    }

    /** Closes {@code dead} and forgets it (and its resident shells) when it is still this slot's connection. */
    synchronized void invalidate(SSHClient dead) {
        resident.values().removeIf(r -> {
            if (r.client == dead) {
                r.broken = true;
                return true;
            }
            return false;
        });
        if (client == dead) {
            detach();
        }
        SshConnector.disconnectQuietly(dead);
    }

    /** {@link #invalidate} when {@code c} is no longer alive. */
    void invalidateIfDead(SSHClient c) {
        if (!alive(c)) {
            invalidate(c);
        }
    }

    /** Claims one of the connection's channels (waiting while they are all in use); false when cancelled first. */
    boolean acquireChannel(Cancellation cancel) {
        try {
            while (!channels.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (cancel.isCancelled()) {
                    return false;
                }
            }
            active.incrementAndGet();
            touch();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Gives back a channel claimed by {@link #acquireChannel}; the connection's idle time starts again. */
    void releaseChannel() {
        active.decrementAndGet();
        channels.release();
        touch();
    }
}
