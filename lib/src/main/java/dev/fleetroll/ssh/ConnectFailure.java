package dev.fleetroll.ssh;

/**
 * Why a connection could not be made, as the {@link Outcome} the command gets and a one-line reason;
 * {@code retryable} only for connect-phase failures (refused, reset or closed before the handshake finished, TCP
 * connect timeout), {@code attempts} the handshakes tried.
 */
record ConnectFailure(Outcome outcome, String message, boolean retryable, int attempts) {

    /** A failure that is never retried, after one attempt. */
    static ConnectFailure of(Outcome outcome, String message) {
        return new ConnectFailure(outcome, message, false, 1);
    }

    ConnectFailure withAttempts(int n) {
        return new ConnectFailure(outcome, message, retryable, n);
    }

    /** This failure as the exception that carries it out of the handshake code. */
    Thrown thrown() {
        return new Thrown(this);
    }

    /** A {@link ConnectFailure} thrown; no stack trace (it is an expected result, not a bug). */
    static final class Thrown extends Exception {
        final ConnectFailure failure;

        Thrown(ConnectFailure failure) {
            super(failure.message(), null, false, false);
            this.failure = failure;
        }
    }
}
