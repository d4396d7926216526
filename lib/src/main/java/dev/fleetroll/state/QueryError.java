package dev.fleetroll.state;

import dev.fleetroll.UserError;

/**
 * A query that cannot be read: the one-line message names the problem, the 1-based column ({@code at column 7})
 * and a fix; {@link #position()} and {@link #length()} locate the bad token in the query text so a filter bar can
 * underline it.
 */
public final class QueryError extends UserError {
    private final int position;
    private final int length;

    /**
     * @param problem what is wrong, e.g. {@code unknown column 'rol'}; {@code at column N} is appended
     * @param fix how to fix it; may be empty
     * @param position 0-based offset of the bad token in the text given to the parser
     * @param length length of the bad token (0 for a missing piece at {@code position})
     */
    QueryError(String problem, String fix, int position, int length) {
        super(problem + " at column " + (position + 1) + (fix == null || fix.isEmpty() ? "" : ": " + fix));
        this.position = position;
        this.length = Math.max(0, length);
    }

    /** 0-based offset of the bad token in the query text. */
    public int position() {
        return position;
    }

    /** Length of the bad token; 0 when something is missing at {@link #position()}. */
    public int length() {
        return length;
    }
}
