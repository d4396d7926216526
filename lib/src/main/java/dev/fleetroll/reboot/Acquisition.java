package dev.fleetroll.reboot;

import java.util.List;

/** What asking for a reboot slot gave: the slot, a full group, or the holder already held by someone else. */
public sealed interface Acquisition {

    /** The slot is ours; {@code retained} when we already held it (an idempotent repeat). */
    record Granted(SlotHolder slot, boolean retained) implements Acquisition {}

    /** Every slot of the group is held. */
    record Full(String group, int slots, List<SlotHolder> holders) implements Acquisition {
        public Full {
            holders = List.copyOf(holders);
        }

        /** True when no holder will give its slot back by itself (every one is stuck). */
        public boolean allStuck() {
            return !holders.isEmpty() && holders.stream().allMatch(h -> SlotHolder.STUCK.equals(h.state()));
        }
    }

    /** The holder (host or client id) holds a slot already, taken by another owner (another operator's reboot). */
    record HeldByOther(SlotHolder slot) implements Acquisition {}
}
