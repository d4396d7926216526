package dev.fleetroll.taskcluster;

import dev.fleetroll.RemoteServiceException;

/**
 * A Taskcluster call failed: the service answered with an error, could not be reached after the retries, or sent
 * something unreadable. The message is one line naming the request (method and URL) and what went wrong; it never
 * contains an access token.
 */
public class TaskclusterException extends RemoteServiceException {
    private final int status;

    public TaskclusterException(String message) {
        this(message, 0, null);
    }

    public TaskclusterException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The last HTTP status received, 0 when there was none (connection error, paging error). */
    public int status() {
        return status;
    }
}
