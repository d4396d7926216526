package dev.fleetroll.reboot;

/** A rung of the reboot ladder could not even be tried (BMC unreachable, wrong password, SNMP timeout): one line, no secret. */
public final class RebootStepFailed extends Exception {
    public RebootStepFailed(String message) {
        super(message);
    }

    public RebootStepFailed(String message, Throwable cause) {
        super(message, cause);
    }
}
