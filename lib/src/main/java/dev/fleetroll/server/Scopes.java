package dev.fleetroll.server;

import java.util.Collection;

/**
 * Taskcluster's scope satisfaction: a held scope satisfies a required one when it is equal, or when it ends in
 * {@code *} and the required scope starts with what comes before the {@code *} ({@code fleetroll:note:*} satisfies
 * {@code fleetroll:note:pool/host}; {@code *} satisfies everything). Only a trailing {@code *} is special.
 *
 * <p>The server's action scopes are {@code fleetroll:<action>:<pool>/<host>}, where the pool is the host's
 * Taskcluster pool as last scanned ({@code provisioner/workerType}) or {@code none}.
 */
public final class Scopes {
    private Scopes() {}

    /** True when one of {@code held} satisfies {@code required}. */
    public static boolean satisfies(Collection<String> held, String required) {
        for (String s : held) {
            if (s.equals(required) || s.endsWith("*") && required.startsWith(s.substring(0, s.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    /** The scope an action on {@code host} of {@code pool} (null: {@code none}) needs. */
    public static String forAction(String action, String pool, String host) {
        return "fleetroll:" + action + ":" + (pool == null || pool.isBlank() ? "none" : pool) + "/" + host;
    }

    /** The scope reads need when {@code server.read_auth} is on. */
    public static final String READ = "fleetroll:read";
}
