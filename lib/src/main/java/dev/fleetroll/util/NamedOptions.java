package dev.fleetroll.util;

import dev.fleetroll.UserError;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The check of a DSL verb's named arguments ({@code verb(reason: 'x', fanout: 10)}), with one wording for every verb:
 * {@code setOverride: unknown option 'resaon:' (did you mean 'reason:'?); options: reason:, mode:, ...}. Options are
 * spelled as they are written in a script, with their colon.
 */
public final class NamedOptions {
    private NamedOptions() {}

    /** Throws a {@link UserError} for the first name of {@code named} (null: none) that is not in {@code known}. */
    public static void check(String verb, Map<String, ?> named, List<String> known) {
        if (named == null) {
            return;
        }
        for (String k : named.keySet()) {
            if (!known.contains(k)) {
                throw unknown(verb, k, known);
            }
        }
    }

    /** The error for {@code key}, which is not one of {@code known}: the closest known name, then all of them. */
    public static UserError unknown(String verb, String key, List<String> known) {
        String near = EditDistance.closest(key, known);
        return new UserError(verb + ": unknown option '" + key + ":'" + (near == null ? "" : " (did you mean '" + near + ":'?)")
                + "; options: " + known.stream().map(k -> k + ":").collect(Collectors.joining(", ")));
    }
}
