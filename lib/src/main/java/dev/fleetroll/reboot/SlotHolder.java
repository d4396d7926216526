package dev.fleetroll.reboot;

import java.time.Instant;

/**
 * One held reboot slot, as stored.
 *
 * @param holder the host being rebooted (or the FleetLock client id)
 * @param owner who took it: {@code fleetlock} for FleetLock clients (any request with the same id owns it), else the
 *     reboot run's token (so a second operator rebooting the same host is refused)
 * @param actor the operator (or {@code fleetlock:<remote address>})
 * @param state {@link #REBOOTING} while the host is being rebooted, {@link #STUCK} once it did not come back (kept
 *     until released by hand), {@link #FLEETLOCK} for a FleetLock client's slot
 * @param detail one line: the last rung tried and how it ended
 */
public record SlotHolder(String group, int slot, String holder, String owner, String actor, String reason, String state,
                         String detail, Instant acquired, Instant updated) {
    public static final String REBOOTING = "rebooting";
    public static final String STUCK = "stuck";
    public static final String FLEETLOCK = "fleetlock";
    /** The owner of every slot taken over FleetLock. */
    public static final String FLEETLOCK_OWNER = "fleetlock";

    /** One line for a refused second taker: who holds it, since when, and how to free it. */
    public String heldBy() {
        return holder + " holds reboot slot " + slot + " of group " + group + " since " + acquired.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + ", taken by " + actor + " (" + state + (detail == null ? "" : ": " + detail) + ")";
    }
}
