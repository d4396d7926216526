package dev.fleetroll.ssh;

/**
 * Progress of a fan-out, for front-ends to render (the CLI's progress line, the DSL's phased progress).
 * Called from worker threads; implementations must be thread-safe and quick.
 */
public interface BatchListener {
    BatchListener NONE = new BatchListener() {};

    /** The batch is about to start {@code total} hosts. */
    default void started(int total) {}

    /** A host began (connection or command). */
    default void hostStarted(String host) {}

    /** A host finished with {@code outcome}. */
    default void hostFinished(String host, Outcome outcome) {}
}
