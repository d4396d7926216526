package dev.fleetroll.ssh;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs blocking socket calls that would park a virtual thread on the JDK's I/O poller (a TCP connect with SSHJ's read
 * of the server's ident line, an ssh-agent exchange) on a platform thread instead. Once a virtual thread has waited for a socket, the JDK's poller threads sit
 * in {@code epoll_wait} for the rest of the process, and the JVM's exit waits up to 300 ms for threads in native code
 * to settle: every SSH-using command ended 0.3 s late. Socket writes from virtual threads never wait in practice (the
 * socket buffer takes them), and once connected, reads happen on SSHJ's own platform reader threads.
 */
final class PlatformIo {
    private static final ExecutorService POOL =
            Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("fleetroll-io-", 0).factory());

    @FunctionalInterface
    interface IoAction<T> {
        T run() throws IOException;
    }

    private PlatformIo() {}

    /**
     * {@code action}'s result; run on a platform thread when the caller is virtual. When the caller is interrupted
     * while it waits, {@code abort} (the socket) is closed, which ends the action, and an
     * {@link InterruptedIOException} is thrown with the interrupt status kept.
     */
    static <T> T run(IoAction<T> action, Closeable abort) throws IOException {
        if (!Thread.currentThread().isVirtual()) {
            return action.run();
        }
        Future<T> f = POOL.submit(action::run);
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            try {
                abort.close();
            } catch (IOException ignored) {
                // closing is all we can do
            }
            f.cancel(true);
            throw new InterruptedIOException("interrupted");
        }
    }
}
