package dev.fleetroll.reboot;

import dev.fleetroll.UserError;
import dev.fleetroll.config.FleetrollConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which reboot group a host is in and how many slots each group has ({@code reboot:} in the configuration): the first
 * group whose {@code match} regex matches the whole host name, else {@link #DEFAULT}; a group's own {@code slots}, else
 * {@code reboot.slots}. FleetLock clients name their group themselves; its slots are found the same way.
 */
public final class RebootGroups {
    /** The group of every host no configured group matches (also FleetLock's default group). */
    public static final String DEFAULT = "default";
    /** Group names FleetLock allows (and so do we, for every group). */
    public static final Pattern NAME = Pattern.compile("[a-zA-Z0-9.-]+");

    private final int defaultSlots;
    private final Map<String, Pattern> matches = new LinkedHashMap<>();
    private final Map<String, Integer> slots = new LinkedHashMap<>();

    public RebootGroups(FleetrollConfig.Reboot config) {
        this.defaultSlots = config.slots();
        config.groups().forEach((name, g) -> {
            if (!NAME.matcher(name).matches()) {
                throw new UserError("reboot.groups: '" + name + "' is not a group name (letters, digits, '.' and '-')");
            }
            if (g != null && g.slots() != null && g.slots() < 1) {
                throw new UserError("reboot.groups." + name + ".slots must be at least 1, not " + g.slots());
            }
            if (g != null && g.match() != null) {
                try {
                    matches.put(name, Pattern.compile(g.match()));
                } catch (PatternSyntaxException e) {
                    throw new UserError("reboot.groups." + name + ".match is not a regex: " + e.getDescription());
                }
            }
            if (g != null && g.slots() != null) {
                slots.put(name, g.slots());
            }
        });
    }

    /** The group of {@code host}. */
    public String groupOf(String host) {
        for (Map.Entry<String, Pattern> e : matches.entrySet()) {
            if (e.getValue().matcher(host).matches()) {
                return e.getKey();
            }
        }
        return DEFAULT;
    }

    /** How many hosts of {@code group} may reboot at once. */
    public int slotsOf(String group) {
        return slots.getOrDefault(group, defaultSlots);
    }
}
