package dev.fleetroll;

/**
 * A problem the operator can fix: bad input, a missing file, an unknown host list.
 *
 * <p>The message is one line that names the problem and, where possible, the fix. Front-ends print it
 * without a stack trace and exit with status 2.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
