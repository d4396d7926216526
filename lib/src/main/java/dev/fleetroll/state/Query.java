package dev.fleetroll.state;

import dev.fleetroll.UserError;
import dev.fleetroll.content.Humanhash;
import dev.fleetroll.inventory.NaturalOrder;
import dev.fleetroll.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The monitor's filter and sort language, the one parser every front-end uses ({@code host-monitor --filter},
 * the TUI's {@code /}, the DSL's {@code where('...')} and {@code sort('...')}).
 *
 * <pre>
 *   role~talos pp_last&gt;20h os=L|M ovr_bch!= sort:pp_last:desc,host
 * </pre>
 *
 * <ul>
 *   <li>Whitespace-separated tokens; every condition must match. Values cannot contain spaces.
 *   <li>{@code COL OP VALUE} with {@code = != ~ < > <= >=}; the operator is the one that starts first in the
 *       token (the longer one on a tie), so {@code a<=b} is {@code <=}.
 *   <li>Typed comparisons (see {@link Column.Type}): durations compare in seconds ({@code 20h 90m 2d 1h30m}),
 *       text case-insensitively (ordering in natural order), flags as yes/no, shas by prefix or humanhash.
 *       {@code ~} is a case-insensitive substring search of the displayed cell.
 *   <li>{@code col=} matches an empty value, {@code col!=} any value. {@code a|b} alternatives: {@code =} and
 *       {@code ~} match any, {@code !=} matches none.
 *   <li>An unknown value (the host never reported it) fails every condition except {@code col=} and
 *       {@code col!=VALUE}.
 *   <li>{@code sort:COL[:asc|desc][,COL...]}; several {@code sort:} tokens accumulate. Empty values sort last in
 *       either direction.
 * </ul>
 */
public final class Query {
    private static final String[] OPERATORS = {">=", "<=", "!=", ">", "<", "=", "~"};

    private final String text;
    private final List<Condition> conditions;
    private final List<SortKey> sort;

    private Query(String text, List<Condition> conditions, List<SortKey> sort) {
        this.text = text;
        this.conditions = List.copyOf(conditions);
        this.sort = List.copyOf(sort);
    }

    /** One condition: {@code column op values}; {@code values} is empty for {@code col=} and {@code col!=}. */
    public record Condition(Column column, String op, List<String> values, String source, Predicate<HostState> test) {
        public boolean matches(HostState s) {
            return test.test(s);
        }

        @Override
        public String toString() {
            return source;
        }
    }

    /** One sort key. */
    public record SortKey(Column column, boolean descending) {}

    public static Query parse(String text) {
        return parse(text, Columns.standard());
    }

    /** Parses {@code text}; throws {@link UserError} naming the bad token and what was expected. */
    public static Query parse(String text, Columns columns) {
        String t = text == null ? "" : text.strip();
        List<Condition> conditions = new ArrayList<>();
        List<SortKey> sort = new ArrayList<>();
        for (String token : t.isEmpty() ? new String[0] : t.split("\\s+")) {
            if (token.regionMatches(true, 0, "sort:", 0, 5)) {
                sort.addAll(parseSort(token.substring(5), columns));
            } else {
                conditions.add(condition(token, columns));
            }
        }
        return new Query(t, conditions, sort);
    }

    /** Parses a sort specification {@code COL[:asc|desc][,COL[:asc|desc]...]} (a leading {@code sort:} is allowed). */
    public static List<SortKey> parseSort(String spec, Columns columns) {
        String s = spec.strip();
        if (s.regionMatches(true, 0, "sort:", 0, 5)) {
            s = s.substring(5);
        }
        if (s.isEmpty()) {
            throw new UserError("empty sort: name a column, e.g. sort:pp_last:desc,host");
        }
        List<SortKey> keys = new ArrayList<>();
        for (String part : s.split(",")) {
            String[] bits = part.strip().split(":");
            if (bits.length == 0 || bits[0].isBlank() || bits.length > 2) {
                throw new UserError("cannot read sort key '" + part + "' (use COL, COL:asc or COL:desc)");
            }
            Column c = columns.require(bits[0].strip());
            boolean desc = false;
            if (bits.length == 2) {
                switch (bits[1].strip().toLowerCase(Locale.ROOT)) {
                    case "asc" -> desc = false;
                    case "desc" -> desc = true;
                    default -> throw new UserError("sort direction '" + bits[1] + "' in '" + part + "' must be asc or desc");
                }
            }
            keys.add(new SortKey(c, desc));
        }
        return keys;
    }

    public String text() {
        return text;
    }

    public List<Condition> conditions() {
        return conditions;
    }

    public boolean hasSort() {
        return !sort.isEmpty();
    }

    public boolean matches(HostState s) {
        for (Condition c : conditions) {
            if (!c.matches(s)) {
                return false;
            }
        }
        return true;
    }

    /** The matching states, sorted when the query has {@code sort:} keys (stable: ties keep their order). */
    public List<HostState> apply(List<HostState> states) {
        List<HostState> out = new ArrayList<>(states.stream().filter(this::matches).toList());
        if (hasSort()) {
            out.sort(comparator(sort));
        }
        return out;
    }

    /** A comparator for sort keys; empty values last whatever the direction. */
    public static Comparator<HostState> comparator(List<SortKey> keys) {
        Comparator<HostState> all = (a, b) -> 0;
        for (SortKey k : keys) {
            all = all.thenComparing((a, b) -> {
                Object va = k.column().valueOf(a);
                Object vb = k.column().valueOf(b);
                if (va == null || vb == null) {
                    return va == null ? (vb == null ? 0 : 1) : -1;
                }
                int c = compareValues(va, vb);
                return k.descending() ? -c : c;
            });
        }
        return all;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareValues(Object a, Object b) {
        if (a instanceof String sa && b instanceof String sb) {
            return NaturalOrder.INSTANCE.compare(sa.toLowerCase(Locale.ROOT), sb.toLowerCase(Locale.ROOT));
        }
        return ((Comparable) a).compareTo(b);
    }

    private static Condition condition(String token, Columns columns) {
        int at = -1;
        String op = null;
        for (String o : OPERATORS) {
            int i = token.indexOf(o);
            if (i >= 0 && (at < 0 || i < at || i == at && o.length() > op.length())) {
                at = i;
                op = o;
            }
        }
        if (op == null || at == 0) {
            throw new UserError("cannot read '" + token + "' (expected COL OP VALUE with OP one of = != ~ < > <= >=, "
                    + "or sort:COL[:desc]; e.g. role~talos pp_last>20h)");
        }
        Column column = columns.require(token.substring(0, at));
        String raw = token.substring(at + op.length());
        if (raw.isEmpty()) {
            if (!op.equals("=") && !op.equals("!=")) {
                throw new UserError("'" + token + "' needs a value after '" + op + "' (only = and != may be empty)");
            }
            boolean wantEmpty = op.equals("=");
            return new Condition(column, op, List.of(), token, s -> (column.valueOf(s) == null) == wantEmpty);
        }
        List<String> values = Arrays.stream(raw.split("\\|", -1)).map(column.normalize()).toList();
        if (values.stream().anyMatch(String::isEmpty)) {
            throw new UserError("'" + token + "' has an empty alternative (write a|b)");
        }
        if (values.size() > 1 && !(op.equals("=") || op.equals("!=") || op.equals("~"))) {
            throw new UserError("'" + token + "': alternatives (a|b) work with = != ~ only");
        }
        Predicate<HostState> test = switch (op) {
            case "~" -> {
                List<String> needles = values.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
                yield s -> {
                    if (column.valueOf(s) == null) {
                        return false;
                    }
                    String cell = column.displayOf(s).toLowerCase(Locale.ROOT);
                    return needles.stream().anyMatch(cell::contains);
                };
            }
            case "=", "!=" -> {
                List<Predicate<Object>> eqs = values.stream().map(v -> equality(column, v, token)).toList();
                boolean negate = op.equals("!=");
                yield s -> {
                    Object v = column.valueOf(s);
                    if (v == null) {
                        return negate;
                    }
                    boolean any = eqs.stream().anyMatch(p -> p.test(v));
                    return negate != any;
                };
            }
            default -> ordering(column, op, values.get(0), token);
        };
        return new Condition(column, op, values, token, test);
    }

    private static Predicate<Object> equality(Column column, String operand, String token) {
        return switch (column.type()) {
            case TEXT -> v -> ((String) v).equalsIgnoreCase(operand);
            case SHA -> {
                String o = operand.toLowerCase(Locale.ROOT);
                yield v -> {
                    String sha = ((String) v).toLowerCase(Locale.ROOT);
                    return sha.startsWith(o) || o.equals(Humanhash.tryOf(sha));
                };
            }
            case DURATION -> {
                Duration d = duration(column, operand, token);
                yield v -> ((Duration) v).getSeconds() == d.getSeconds();
            }
            case FLAG -> {
                boolean b = flag(operand, token);
                yield v -> v.equals(b);
            }
        };
    }

    private static Predicate<HostState> ordering(Column column, String op, String operand, String token) {
        Comparator<Object> cmp;
        Object bound;
        switch (column.type()) {
            case DURATION -> {
                bound = duration(column, operand, token).getSeconds();
                cmp = (a, b) -> Long.compare(((Duration) a).getSeconds(), (Long) b);
            }
            case TEXT -> {
                bound = operand.toLowerCase(Locale.ROOT);
                cmp = (a, b) -> NaturalOrder.INSTANCE.compare(((String) a).toLowerCase(Locale.ROOT), (String) b);
            }
            default -> throw new UserError("'" + token + "': column " + column.name() + " is a "
                    + column.type().name().toLowerCase(Locale.ROOT) + "; use = != or ~ with it");
        }
        return s -> {
            Object v = column.valueOf(s);
            if (v == null) {
                return false;
            }
            int c = cmp.compare(v, bound);
            return switch (op) {
                case "<" -> c < 0;
                case ">" -> c > 0;
                case "<=" -> c <= 0;
                default -> c >= 0;
            };
        };
    }

    private static Duration duration(Column column, String operand, String token) {
        Duration d = Durations.tryParse(operand);
        if (d == null) {
            throw new UserError("'" + token + "': '" + operand + "' is not a duration (column " + column.name()
                    + " takes e.g. 20h, 90m, 2d, 1h30m)");
        }
        return d;
    }

    private static boolean flag(String operand, String token) {
        return switch (operand.toLowerCase(Locale.ROOT)) {
            case "y", "yes", "true", "1" -> true;
            case "n", "no", "false", "0" -> false;
            default -> throw new UserError("'" + token + "': '" + operand + "' is not yes or no (use Y or N)");
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
