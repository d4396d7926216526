package dev.fleetroll.ssh;

/**
 * How one host's remote command ended. Every per-host result is exactly one of these; one host's failure never
 * stops the others.
 */
public enum Outcome {
    /** The command ran and exited 0. */
    OK("ok"),
    /** The command ran and exited non-zero (exit code and stderr are kept). */
    FAILED("failed"),
    /** DNS failure, connection refused, no route, or connect timeout. */
    UNREACHABLE("unreachable"),
    /** The server refused every key we offered. */
    AUTH_FAILED("auth-failed"),
    /** The host presented a key different from the one in known_hosts (or an unknown key under policy {@code yes}). */
    HOST_KEY_MISMATCH("host-key-mismatch"),
    /** Connected, but the handshake or the command did not finish in time. */
    TIMED_OUT("timed-out"),
    /** The operator cancelled (Ctrl-C) or the batch deadline passed before the host was done. */
    CANCELLED("cancelled");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    /** The lower-case name used in output, JSON and the store: {@code host-key-mismatch}. */
    public String label() {
        return label;
    }

    public boolean isOk() {
        return this == OK;
    }

    /** True when the command never ran on the host (we could not get a working session). */
    public boolean isConnectionProblem() {
        return this == UNREACHABLE || this == AUTH_FAILED || this == HOST_KEY_MISMATCH;
    }

    public static Outcome fromLabel(String label) {
        for (Outcome o : values()) {
            if (o.label.equals(label)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown outcome '" + label + "'");
    }

    @Override
    public String toString() {
        return label;
    }
}
