package dev.fleetroll.state;

import dev.fleetroll.content.Humanhash;
import dev.fleetroll.util.NaturalOrder;
import dev.fleetroll.state.QueryLexer.Token;
import dev.fleetroll.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns one {@code COL OP VALUE} into a typed test (see {@link Column.Type}), or a {@link QueryError} pointing at the
 * piece that is wrong: the column, the operator or the value (or the one alternative of it).
 */
final class ConditionCompiler {
    /** A plain word: normalized per column before it becomes part of a {@code ~} regex ({@code os~linux}). */
    private static final Pattern PLAIN = Pattern.compile("[\\w-]+");

    private ConditionCompiler() {}

    /** One alternative of a value and where it starts in the query text. */
    private record Operand(String text, int position, int length) {}

    static QueryExpr.Condition compile(String query, Columns columns, Token col, Token op, Token value) {
        Column column = column(col, op, columns);
        String o = op.text();
        int end = value == null ? op.end() : value.end();
        String source = query.substring(col.start(), end);
        if (value == null || value.text().isEmpty()) {
            if (!o.equals("=") && !o.equals("!=")) {
                throw new QueryError("'" + o + "' needs a value", "write e.g. " + example(column, o)
                        + " (only = and != may be empty: col= is empty, col!= is set)", op.start(), op.end() - op.start());
            }
            boolean wantEmpty = o.equals("=");
            return new QueryExpr.Condition(column, o, List.of(), source, col.start(),
                    s -> (column.valueOf(s) == null) == wantEmpty);
        }
        if (o.equals("~")) {
            return regex(column, value, source, col.start());
        }
        List<Operand> operands = alternatives(value);
        List<String> values = operands.stream().map(a -> column.normalize().apply(a.text())).toList();
        Predicate<HostState> test;
        if (o.equals("=") || o.equals("!=")) {
            List<Predicate<Object>> eqs = new ArrayList<>();
            for (int k = 0; k < operands.size(); k++) {
                eqs.add(equality(column, values.get(k), operands.get(k)));
            }
            boolean negate = o.equals("!=");
            test = s -> {
                Object v = column.valueOf(s);
                if (v == null) {
                    return negate;
                }
                for (Predicate<Object> eq : eqs) { // per host per frame in a live monitor: no stream here
                    if (eq.test(v)) {
                        return !negate;
                    }
                }
                return negate;
            };
        } else {
            if (column.type() == Column.Type.FLAG || column.type() == Column.Type.SHA) {
                throw new QueryError("'" + o + "' does not apply to " + column.name() + " (a "
                        + column.type().name().toLowerCase(Locale.ROOT) + ")", "use = != or ~ with it",
                        op.start(), op.end() - op.start());
            }
            if (operands.size() > 1) {
                throw new QueryError("alternatives (a|b) with '" + o + "'", "alternatives work with = != and ~ only",
                        value.start(), value.end() - value.start());
            }
            test = ordering(column, o, values.get(0), operands.get(0));
        }
        return new QueryExpr.Condition(column, o, values, source, col.start(), test);
    }

    private static Column column(Token col, Token op, Columns columns) {
        if (col.start() == col.end()) {
            throw new QueryError("'" + op.text() + "' has no column before it", "write COL" + op.text()
                    + "VALUE, e.g. os=L", op.start(), op.end() - op.start());
        }
        return columns.find(col.text()).orElseThrow(() -> unknownColumn(col.text(), "", col.start(), columns));
    }

    /** {@code unknown column 'NAME'<where>}, with the nearest name and the list of columns. */
    static QueryError unknownColumn(String name, String where, int position, Columns columns) {
        String near = columns.nearest(name);
        return new QueryError("unknown column '" + name + "'" + where, (near == null ? "" : "did you mean '" + near + "'? ")
                + "(columns: " + String.join(" ", columns.all().stream().map(Column::name).toList()) + ")",
                position, name.length());
    }

    private static String example(Column column, String op) {
        return column.name() + op + switch (column.type()) {
            case DURATION -> "20h";
            case FLAG -> "Y";
            case SHA -> "abc123";
            case TEXT -> op.equals("~") ? "TEXT" : "VALUE";
        };
    }

    /** The alternatives of an unquoted value ({@code a|b}); a quoted value is one literal operand. */
    private static List<Operand> alternatives(Token value) {
        if (value.quoted()) {
            return List.of(new Operand(value.text(), value.start(), value.end() - value.start()));
        }
        List<Operand> out = new ArrayList<>();
        String v = value.text();
        int from = 0;
        while (true) {
            int bar = v.indexOf('|', from);
            String part = v.substring(from, bar < 0 ? v.length() : bar);
            if (part.isEmpty()) {
                int at = bar >= 0 ? bar : from - 1;
                throw new QueryError("empty alternative in '" + v + "'", "write a|b with a value on each side of '|'",
                        value.start() + at, 1);
            }
            out.add(new Operand(part, value.start() + from, part.length()));
            if (bar < 0) {
                return out;
            }
            from = bar + 1;
        }
    }

    /** {@code ~}: a case-insensitive regex found anywhere in the displayed cell; unknown values never match. */
    private static QueryExpr.Condition regex(Column column, Token value, String source, int position) {
        String re = value.text();
        if (!value.quoted()) {
            List<Operand> parts = alternatives(value); // an empty alternative (a| or a||b) would match everything
            if (parts.stream().allMatch(p -> PLAIN.matcher(p.text()).matches())) {
                re = String.join("|", parts.stream().map(p -> column.normalize().apply(p.text())).toList());
            }
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(re, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw new QueryError("bad regex '" + value.text() + "' (" + e.getDescription() + ")",
                    "fix the pattern, or escape special characters with \\", value.start(), value.end() - value.start());
        }
        return new QueryExpr.Condition(column, "~", List.of(re), source, position,
                s -> column.valueOf(s) != null && pattern.matcher(column.displayOf(s)).find());
    }

    private static Predicate<Object> equality(Column column, String operand, Operand at) {
        return switch (column.type()) {
            case TEXT -> v -> ((String) v).equalsIgnoreCase(operand);
            case SHA -> {
                // decided once, not per host: a humanhash operand needs each sha's humanhash, a hex prefix does not
                String o = operand.toLowerCase(Locale.ROOT);
                yield Humanhash.looksLikeHumanhash(o)
                        ? v -> o.equals(Humanhash.tryOf(((String) v).toLowerCase(Locale.ROOT)))
                        : v -> ((String) v).regionMatches(true, 0, o, 0, o.length());
            }
            case DURATION -> {
                long d = duration(column, operand, at).getSeconds();
                yield v -> ((Duration) v).getSeconds() == d;
            }
            case FLAG -> {
                boolean b = flag(column, operand, at);
                yield v -> v.equals(b);
            }
        };
    }

    private static Predicate<HostState> ordering(Column column, String op, String operand, Operand at) {
        Comparator<Object> cmp;
        Object bound;
        if (column.type() == Column.Type.DURATION) {
            bound = duration(column, operand, at).getSeconds();
            cmp = (a, b) -> Long.compare(((Duration) a).getSeconds(), (Long) b);
        } else {
            bound = operand.toLowerCase(Locale.ROOT);
            cmp = (a, b) -> NaturalOrder.INSTANCE.compare(((String) a).toLowerCase(Locale.ROOT), (String) b);
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

    private static Duration duration(Column column, String operand, Operand at) {
        Duration d = Durations.tryParse(operand);
        if (d == null) {
            throw new QueryError("'" + operand + "' is not a duration", "column " + column.name()
                    + " takes e.g. 20h, 90m, 2d, 1h30m", at.position(), at.length());
        }
        return d;
    }

    private static boolean flag(Column column, String operand, Operand at) {
        return switch (operand.toLowerCase(Locale.ROOT)) {
            case "y", "yes", "true", "1" -> true;
            case "n", "no", "false", "0" -> false;
            default -> throw new QueryError("'" + operand + "' is not yes or no", "column " + column.name()
                    + " takes Y or N (also yes/no, true/false, 1/0)", at.position(), at.length());
        };
    }
}
