package dev.fleetroll.state;

import java.time.Instant;
import java.util.Objects;

/**
 * The operator note a host carries: the newest note added since the last clear, and how many were added since.
 *
 * @param text the newest note
 * @param count notes added since the last clear (at least 1)
 * @param author who wrote the newest note
 * @param at when the newest note was written
 */
public record HostNote(String text, int count, String author, Instant at) {
    public HostNote {
        Objects.requireNonNull(text, "text");
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
    }

    /** The monitor's cell: the text, prefixed {@code (N)} when N notes were added since the last clear. */
    public String cell() {
        return count > 1 ? "(" + count + ") " + text : text;
    }
}
