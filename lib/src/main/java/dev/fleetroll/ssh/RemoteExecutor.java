package dev.fleetroll.ssh;

/**
 * Runs commands on hosts. Implementations keep one connection per host for the life of the executor (idle ones
 * closed), open one channel per command, drain stdout and stderr concurrently, and never throw for a per-host
 * problem: every failure is an {@link ExecResult} with an {@link Outcome}.
 */
public interface RemoteExecutor extends AutoCloseable {

    /** Runs {@code command} on {@code host}, blocking until it ends, times out or is cancelled. */
    ExecResult exec(String host, RemoteCommand command, Cancellation cancellation);

    /** Closes every connection. */
    @Override
    void close();
}
