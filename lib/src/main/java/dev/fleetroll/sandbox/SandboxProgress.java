package dev.fleetroll.sandbox;

/** Progress of a long sandbox operation, for a front-end's progress line. Called from the operating thread. */
@FunctionalInterface
public interface SandboxProgress {
    SandboxProgress NONE = (phase, done, total) -> {};

    /**
     * @param phase what is happening, e.g. {@code booting hosts}
     * @param done units done so far
     * @param total units in this phase (0 when unknown)
     */
    void update(String phase, int done, int total);

    /** A rare, slow step the operator should hear of even without a terminal (installing openssh-server). */
    default void notice(String line) {
        update(line, 0, 0);
    }
}
