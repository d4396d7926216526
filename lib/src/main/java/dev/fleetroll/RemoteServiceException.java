package dev.fleetroll;

/**
 * A remote HTTP service fleetroll reads or writes (Taskcluster, GitHub) failed after its retries: unreachable,
 * an error answer, a rate limit too far away, an unreadable answer. Not the operator's mistake and not a fleetroll
 * bug: front-ends show the one-line message (which names the request and never a secret) and exit 1.
 */
public class RemoteServiceException extends RuntimeException {
    public RemoteServiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
