package dev.fleetroll.store;

/**
 * The right to be the one scanner of a store: several {@code fleetroll serve} processes may point at one store, and
 * only the holder of this lease runs the scheduled audit/Taskcluster/GitHub scans; the others serve read-only and try
 * again, so one takes over when the holder stops. The SQLite store backs it with an OS file lock beside the database
 * file, the PostgreSQL store with a session-level advisory lock.
 */
public interface ScannerLease extends AutoCloseable {
    /** Takes the lease if nobody holds it; true when this process now holds it (also when it held it already). */
    boolean tryAcquire();

    /** Whether this process holds the lease now. */
    boolean held();

    /** Gives the lease up (if held); safe to call more than once. */
    @Override
    void close();
}
