package dev.fleetroll.reboot;

/**
 * One rung of the reboot escalation ladder: one way of making a host restart (ssh {@code reboot}, IPMI chassis power
 * reset, IPMI power cycle, PDU outlet cycle over SNMP) or, as the last rung, of asking a human (filing a bug).
 * {@link #attempt} only starts the restart; whoever climbs the ladder checks that the host went down and came back.
 */
public interface RebootStep {
    /** Short name for logs and the audit log: {@code ssh}, {@code ipmi-reset}, {@code ipmi-cycle}, {@code pdu-cycle}, {@code bug}. */
    String name();

    /** Whether this rung can be tried for {@code host} at all (for example: a BMC or PDU outlet is configured for it). */
    boolean appliesTo(String host);

    /** True for a rung that asks a human rather than restarting the host (filing a bug): nothing comes back to wait for. */
    default boolean terminal() {
        return false;
    }

    /**
     * Tries to make {@code host} restart (or, for a terminal rung, to hand it to a human) and returns one line saying
     * what was done, e.g. {@code "ipmitool chassis power reset on 127.0.9.1:623: Chassis Power Control: Reset"}.
     * Never includes a password or other secret.
     *
     * @param reason the operator's reason, carried into a filed bug or the BMC log where possible
     * @throws RebootStepFailed when the attempt itself failed (BMC unreachable, wrong password, SNMP timeout): one line
     *                          naming the problem, no secret
     */
    String attempt(String host, String reason) throws RebootStepFailed;
}
