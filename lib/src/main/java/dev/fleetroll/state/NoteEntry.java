package dev.fleetroll.state;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a host's note history: a note added, or the notes cleared (a tombstone: the notes before it no longer
 * show, but stay in the history).
 *
 * @param id the store's row id (grows with every entry)
 * @param at when it was written, millisecond precision
 * @param actor who wrote it (the audit log's actor)
 * @param text the note ({@link Action#ADD}); null for a clear
 * @param reason why the notes were cleared ({@link Action#CLEAR}, optional); null for an add
 */
public record NoteEntry(long id, String host, Instant at, String actor, Action action, String text, String reason) {

    /** What an entry does. */
    public enum Action {
        ADD("add"), CLEAR("clear");

        private final String label;

        Action(String label) {
            this.label = label;
        }

        /** As stored ({@code add}, {@code clear}). */
        public String label() {
            return label;
        }

        public static Action of(String label) {
            for (Action a : values()) {
                if (a.label.equals(label)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown note action '" + label + "'");
        }
    }

    public NoteEntry {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        if (action == Action.ADD) {
            Objects.requireNonNull(text, "text");
        }
    }
}
