package dev.fleetroll.ssh;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The connect timeout of one SSH handshake, counted as the time the <em>server</em> is silent, not as wall time.
 *
 * <p>A handshake alternates between the server's work (send the ident, answer the key exchange, accept a key) and
 * the client's (compute, verify the host key, sign). On a loaded machine, or when fleetroll itself runs many
 * handshakes at once, the client's steps wait for CPU and for fleetroll's own locks; a wall-clock budget then turns
 * fleetroll's own queueing into {@code timed-out} hosts. So silence accrues only while the client is provably
 * waiting for the server: a read on the connection is blocked, no byte moved either way since, and no
 * {@linkplain #busy client-side step} is running. When the budget is used up, the kernel's receive queue of the
 * socket is consulted ({@link TcpQueue}): bytes waiting there mean the server did answer and only our reader has not
 * run yet, so the watch starts over instead of firing. A server that never answers (a tarpit: a stopped sshd
 * whose kernel still accepts connections) is silent from the first read on and times out after the budget.
 *
 * <p>A ceiling on the whole handshake catches a server that trickles bytes forever. Connections through a jump
 * host have no socket of their own to watch; for them the budget is plain wall time from the start, as before.
 */
final class HandshakeWatch {
    /** Why the watch gave up on the handshake. */
    enum Verdict {
        /** The server sent nothing for the budget while the client waited for it. */
        SILENT,
        /** The handshake as a whole took longer than the ceiling. */
        CEILING
    }

    private final long budget;
    private final long ceiling;
    private final boolean wallClock;
    private final LongSupplier clock;
    private final long started;
    private final AtomicInteger reading = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private volatile long readSince;
    private volatile long progress;
    private volatile Socket socket;
    private volatile boolean done;
    private volatile Verdict verdict;
    private ScheduledFuture<?> next;

    private HandshakeWatch(Duration budget, Duration ceiling, boolean wallClock, LongSupplier clock) {
        this.budget = Math.max(1, budget.toNanos());
        this.ceiling = Math.max(this.budget, ceiling.toNanos());
        this.wallClock = wallClock;
        this.clock = clock;
        this.started = clock.getAsLong();
        this.progress = started;
    }

    /** A watch on a direct TCP connection: silence as described above, within {@link #ceilingFor the ceiling}. */
    static HandshakeWatch silence(Duration budget) {
        return new HandshakeWatch(budget, ceilingFor(budget), false, System::nanoTime);
    }

    /**
     * The longest a whole handshake may take while the server keeps answering (each answer within the budget): ten
     * budgets, at least a minute. Only a server trickling bytes forever, or a machine overloaded beyond use, meets it.
     */
    static Duration ceilingFor(Duration budget) {
        Duration ten = budget.multipliedBy(10);
        return ten.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : ten;
    }

    /** A watch for a handshake tunnelled through a jump host: the budget is wall time from now. */
    static HandshakeWatch wallClock(Duration budget) {
        return new HandshakeWatch(budget, budget, true, System::nanoTime);
    }

    /** For tests: a watch on {@code clock} (nanoseconds) that is never scheduled; drive it with {@link #check}. */
    static HandshakeWatch forTest(Duration budget, Duration ceiling, LongSupplier clock) {
        return new HandshakeWatch(budget, ceiling, false, clock);
    }

    Duration budget() {
        return Duration.ofNanos(budget);
    }

    Duration ceiling() {
        return Duration.ofNanos(ceiling);
    }

    /** Null while the handshake may go on; why it was given up otherwise. */
    Verdict verdict() {
        return verdict;
    }

    /** The socket to consult the kernel about (and to close when the watch fires); set when it is created. */
    void socket(Socket s) {
        this.socket = s;
    }

    /** The connection's socket, once created; null through a jump host. */
    Socket socket() {
        return socket;
    }

    /** The connection's input, counting reads: silence accrues only while a read is blocked. */
    InputStream watch(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                enterRead();
                int b = -1;
                try {
                    b = super.read();
                    return b;
                } finally {
                    leaveRead(b >= 0 ? 1 : 0);
                }
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                enterRead();
                int n = -1;
                try {
                    n = super.read(buf, off, len);
                    return n;
                } finally {
                    leaveRead(Math.max(0, n));
                }
            }
        };
    }

    /** The connection's output: every write is progress (the server now owes an answer from here on). */
    OutputStream watch(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                super.write(b);
                moved();
            }

            @Override
            public void write(byte[] buf, int off, int len) throws IOException {
                out.write(buf, off, len);
                moved();
            }
        };
    }

    private void enterRead() {
        if (done) {
            return;
        }
        if (reading.getAndIncrement() == 0) {
            readSince = clock.getAsLong();
        }
    }

    private void leaveRead(int bytes) {
        if (done) {
            return;
        }
        if (bytes > 0) {
            moved();
        }
        reading.decrementAndGet();
    }

    private void moved() {
        if (!done) {
            progress = clock.getAsLong();
        }
    }

    /** Runs a client-side step (e.g. reading identity files before authenticating): no silence accrues meanwhile. */
    <T> T busy(Supplier<T> step) {
        busy.incrementAndGet();
        try {
            return step.get();
        } finally {
            progress = clock.getAsLong();
            busy.decrementAndGet();
        }
    }

    /**
     * Decides at {@code now}: returns null and the nanoseconds until the next look, or fires (sets and returns the
     * verdict). Never fires while bytes from the server wait unread in the kernel.
     */
    Verdict check(long now, long[] nextInNanos) {
        if (verdict != null || done) {
            nextInNanos[0] = -1;
            return verdict;
        }
        if (now - started >= ceiling) {
            verdict = Verdict.CEILING;
            return verdict;
        }
        long untilCeiling = started + ceiling - now;
        if (wallClock) {
            nextInNanos[0] = untilCeiling;
            return null;
        }
        if (reading.get() == 0 || busy.get() > 0) {
            // the client is at work (or has not started reading yet): nothing accrues; look again a budget later
            nextInNanos[0] = Math.min(budget, untilCeiling);
            return null;
        }
        long silentSince = Math.max(progress, readSince);
        long silent = now - silentSince;
        if (silent < budget) {
            nextInNanos[0] = Math.min(budget - silent, untilCeiling);
            return null;
        }
        if (TcpQueue.unread(socket) > 0) {
            // the server did answer; our reader just has not run since (CPU starvation): not silence
            progress = now;
            nextInNanos[0] = Math.min(budget, untilCeiling);
            return null;
        }
        verdict = Verdict.SILENT;
        return verdict;
    }

    /**
     * Starts watching on {@code scheduler}; {@code onFire} runs once (on the scheduler's thread) when the watch gives
     * up, and should close the socket so the handshake fails at once.
     */
    synchronized void start(ScheduledExecutorService scheduler, Runnable onFire) {
        schedule(scheduler, onFire, budget); // a wall-clock watch's ceiling is its budget
    }

    private synchronized void schedule(ScheduledExecutorService scheduler, Runnable onFire, long delay) {
        if (done) {
            return;
        }
        next = scheduler.schedule(() -> {
            long[] nextIn = {-1};
            Verdict v = check(clock.getAsLong(), nextIn);
            if (v != null) {
                onFire.run();
            } else if (nextIn[0] >= 0) {
                schedule(scheduler, onFire, Math.max(TimeUnit.MILLISECONDS.toNanos(10), nextIn[0]));
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    /** The handshake ended (either way): stop watching, and stop counting on the connection's streams. */
    synchronized void stop() {
        done = true;
        if (next != null) {
            next.cancel(false);
        }
    }
}
