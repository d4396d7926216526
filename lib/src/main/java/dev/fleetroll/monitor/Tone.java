package dev.fleetroll.monitor;

/**
 * How a cell should look, decided once in {@link Tones} for every front-end (the terminal monitor, coloured tables,
 * the web UI): each renders the tone in its own medium.
 */
public enum Tone {
    /** Nothing to say. */
    PLAIN,
    /** Fresh, matching, healthy. */
    GOOD,
    /** Worth a look: getting old, not matching yet, an operator note. */
    WARN,
    /** Needs action: stale, failed, unhealthy, quarantined, unreachable. */
    BAD,
    /** A category (role, branch, vault name): coloured by value so equal values look alike. */
    CATEGORY
}
