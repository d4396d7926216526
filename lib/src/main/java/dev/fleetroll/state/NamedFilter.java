package dev.fleetroll.state;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A saved query: one {@code NAME.yaml} file in a filters directory ({@link NamedFilters}).
 *
 * @param name the file name without {@code .yaml}
 * @param query the query text (it parsed when the file was loaded)
 * @param description one line saying what it finds; empty when the file has none
 * @param file where it was read from
 */
public record NamedFilter(String name, String query, String description, Path file) {
    public NamedFilter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(query, "query");
        description = description == null ? "" : description;
    }

    /** The query, parsed against {@code columns}. */
    public Query parse(Columns columns) {
        return Query.parse(query, columns);
    }
}
