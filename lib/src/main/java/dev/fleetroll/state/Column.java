package dev.fleetroll.state;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One monitor column: how to get its typed value from a {@link HostState} (for filtering and sorting) and how to
 * show it (for tables). Filters compare typed values, except {@code ~}, which searches the display text of any
 * column.
 *
 * @param name the lower-case key used in queries ({@code pp_last})
 * @param label the table header ({@code PP_LAST})
 * @param type how values compare
 * @param displayed shown in tables (false: filter-only keys such as {@code ovr_sha})
 * @param aliases other accepted names
 * @param description one line for help and completion
 * @param value the typed value: {@code String} for TEXT and SHA, {@code Duration} for DURATION, {@code Boolean}
 *     for FLAG; null when empty or unknown
 * @param display the cell text; null becomes {@code -}
 * @param normalize maps an operand to the column's vocabulary before comparing (e.g. {@code linux} to {@code L})
 */
public record Column(
        String name,
        String label,
        Type type,
        boolean displayed,
        List<String> aliases,
        String description,
        Function<HostState, Object> value,
        Function<HostState, String> display,
        UnaryOperator<String> normalize) {

    /** How a column's values compare. */
    public enum Type {
        /** Case-insensitive text; ordering operators use natural order ({@code ms-2 < ms-10}). */
        TEXT,
        /** A duration; operands like {@code 20h}, {@code 90m}, {@code 1h30m}; compared in seconds. */
        DURATION,
        /** Yes/no; operands {@code y n yes no true false 1 0}. */
        FLAG,
        /** A hex digest; {@code =} matches a prefix (or the humanhash), {@code ~} a substring. */
        SHA
    }

    public Column {
        Objects.requireNonNull(name, "name");
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        normalize = normalize == null ? UnaryOperator.identity() : normalize;
    }

    public static Column of(String name, Type type, boolean displayed, String description,
                            Function<HostState, Object> value, Function<HostState, String> display, String... aliases) {
        return new Column(name, name.toUpperCase(java.util.Locale.ROOT), type, displayed, List.of(aliases), description,
                value, display, null);
    }

    public Column withNormalizer(UnaryOperator<String> n) {
        return new Column(name, label, type, displayed, aliases, description, value, display, n);
    }

    /** The typed value, null when empty. Blank text counts as empty. */
    public Object valueOf(HostState s) {
        Object v = value.apply(s);
        return v instanceof String str && str.isBlank() ? null : v;
    }

    /** The cell text, {@code -} when empty. */
    public String displayOf(HostState s) {
        String d = display.apply(s);
        return d == null || d.isBlank() ? "-" : d;
    }
}
