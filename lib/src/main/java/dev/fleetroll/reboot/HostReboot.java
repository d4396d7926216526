package dev.fleetroll.reboot;

/**
 * How rebooting one host ended.
 *
 * @param outcome {@link #CAME_BACK}, {@link #NOT_BACK} (its slot is kept: see {@code fleetroll reboot-slots}),
 *     {@link #REFUSED} (someone else is rebooting it), {@link #NO_SLOT} (every slot of its group is held by a host that
 *     did not come back), {@link #CANCELLED}
 * @param slot the slot it held (null when it got none)
 * @param climb the rungs tried (null when it never climbed)
 * @param detail one line for the operator
 */
public record HostReboot(String host, String group, Integer slot, String outcome, ClimbResult climb, String detail) {
    public static final String CAME_BACK = "came-back";
    public static final String NOT_BACK = "not-back";
    public static final String REFUSED = "refused";
    public static final String NO_SLOT = "no-slot";
    public static final String CANCELLED = "cancelled";

    public boolean ok() {
        return CAME_BACK.equals(outcome);
    }

    /** True when the host still holds its slot (it did not come back). */
    public boolean slotKept() {
        return NOT_BACK.equals(outcome);
    }
}
