package dev.fleetroll.sandbox;

/**
 * The sandbox could not do what was asked for a reason outside the operator's input (a host did not boot, a process
 * would not die). The message is one line naming what failed and where its log is.
 */
public class SandboxException extends RuntimeException {
    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
