package dev.fleetroll.auditlog;

import java.util.Map;

/** Who is acting, for the audit log: {@code $FLEETROLL_ACTOR}, else {@code $SUDO_USER}, else {@code $USER}, else {@code unknown}. */
public final class Actor {
    private Actor() {}

    public static String from(Map<String, String> env) {
        for (String key : new String[] {"FLEETROLL_ACTOR", "SUDO_USER", "USER"}) {
            String v = env.get(key);
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return "unknown";
    }
}
