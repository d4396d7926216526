package dev.fleetroll.state;

import dev.fleetroll.util.NaturalOrder;
import dev.fleetroll.state.QueryLexer.Token;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The monitor's filter and sort language, the one parser every front-end uses (the monitor's filter bar and
 * {@code --filter}, named filters, the DSL's {@code where('...')} and {@code sort('...')}). {@code docs/query.md}
 * describes it for operators.
 *
 * <pre>
 *   role~talos pp_last&gt;20h (os=L or os=M) not ovr_bch= note~"bad disk" sort:pp_last:desc,host
 * </pre>
 *
 * <ul>
 *   <li>Conditions {@code COL OP VALUE} with {@code = != ~ < > <= >=}, written without spaces; side by side (or
 *       with {@code and}) all must hold; {@code or}, {@code not} and parentheses combine them ({@code not} binds
 *       tighter than {@code and}, {@code and} tighter than {@code or}; keywords in any case). A value with spaces
 *       is quoted: {@code note~"bad disk"} or {@code 'bad disk'}.
 *   <li>Typed comparisons (see {@link Column.Type}): durations compare in seconds ({@code 20h 90m 2d 1h30m}), text
 *       case-insensitively (ordering in natural order), flags as yes/no, shas by prefix or humanhash.
 *       {@code ~} is a case-insensitive regex found anywhere in the displayed cell (a plain word is a substring).
 *   <li>{@code col=} matches an empty value, {@code col!=} any value. {@code a|b} alternatives: {@code =} matches
 *       any, {@code !=} none; for {@code ~} the bar is the regex's own alternation.
 *   <li>An unknown value (the host never reported it) fails every condition except {@code col=} and
 *       {@code col!=VALUE}.
 *   <li>{@code sort:COL[:asc|desc][,COL...]}, anywhere in the text; several accumulate. Empty values sort last in
 *       either direction.
 *   <li>Errors are {@link QueryError}s: one line naming the problem, the column of the bad token and a fix.
 * </ul>
 */
public final class Query {
    private final String text;
    private final QueryExpr expr;
    private final List<SortKey> sort;

    private Query(String text, QueryExpr expr, List<SortKey> sort) {
        this.text = text;
        this.expr = expr;
        this.sort = List.copyOf(sort);
    }

    /** One sort key. */
    public record SortKey(Column column, boolean descending) {
        @Override
        public String toString() {
            return column.name() + (descending ? ":desc" : "");
        }
    }

    /**
     * A highlighted piece of query text, for the monitor's filter bar.
     *
     * @param start 0-based offset of the first character
     * @param end offset after the last character
     */
    public record Span(int start, int end, Kind kind) {
        /** What a piece of query text is. */
        public enum Kind {
            /** A known column name (in a condition or a sort key). */
            COLUMN,
            /** A name that is no column. */
            UNKNOWN_COLUMN,
            /** {@code = != ~ < > <= >=}. */
            OPERATOR,
            /** A condition's value (with its quotes). */
            VALUE,
            /** {@code and or not}. */
            KEYWORD,
            /** {@code (} or {@code )}. */
            PAREN,
            /** {@code sort:} and the {@code : ,} separating sort keys. */
            SORT,
            /** {@code asc} or {@code desc}. */
            SORT_DIRECTION,
            /** Something that cannot be read, or the piece the parser's error points at. */
            ERROR
        }
    }

    public static Query parse(String text) {
        return parse(text, Columns.standard());
    }

    /**
     * Parses {@code text}; throws {@link QueryError} naming the bad token, its column and a fix. Error positions
     * are offsets in {@code text} as given.
     */
    public static Query parse(String text, Columns columns) {
        String t = text == null ? "" : text;
        QueryParser.Result r = QueryParser.parse(t, columns);
        return new Query(t.strip(), r.expr(), r.sort());
    }

    /**
     * Parses a sort specification {@code COL[:asc|desc][,COL[:asc|desc]...]} (a leading {@code sort:} is allowed,
     * spaces around keys too); error positions are offsets in {@code spec}.
     */
    public static List<SortKey> parseSort(String spec, Columns columns) {
        String s = spec == null ? "" : spec;
        int start = 0;
        while (start < s.length() && Character.isWhitespace(s.charAt(start))) {
            start++;
        }
        int tokenStart = start;
        if (s.regionMatches(true, start, "sort:", 0, 5)) {
            start += 5;
        }
        return QueryParser.sortKeys(s, start, s.length(), tokenStart, columns);
    }

    /**
     * The spans of {@code text} for highlighting. Never throws, whatever the text (half-typed, unbalanced, an
     * unterminated quote): unreadable pieces are {@link Span.Kind#ERROR}, and so is the piece a full parse's
     * error points at (a column keeps its colour: a known one is being typed, an unknown one is already red).
     */
    public static List<Span> highlight(String text, Columns columns) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        try {
            List<Span> spans = new ArrayList<>();
            for (Token t : QueryLexer.tokens(text)) {
                switch (t.type()) {
                    case WORD -> spans.add(new Span(t.start(), t.end(), t.isKeyword() ? Span.Kind.KEYWORD
                            : !t.quoted() && columns.find(t.text()).isPresent() ? Span.Kind.COLUMN : Span.Kind.UNKNOWN_COLUMN));
                    case COLUMN -> {
                        if (t.end() > t.start()) {
                            spans.add(new Span(t.start(), t.end(), columns.find(t.text()).isPresent()
                                    ? Span.Kind.COLUMN : Span.Kind.UNKNOWN_COLUMN));
                        }
                    }
                    case OPERATOR -> spans.add(new Span(t.start(), t.end(), Span.Kind.OPERATOR));
                    case VALUE -> spans.add(new Span(t.start(), t.end(), Span.Kind.VALUE));
                    case LPAREN, RPAREN -> spans.add(new Span(t.start(), t.end(), Span.Kind.PAREN));
                    case SORT -> sortSpans(text, t, columns, spans);
                    case ERROR -> spans.add(new Span(t.start(), t.end(), Span.Kind.ERROR));
                }
            }
            try {
                QueryParser.parse(text, columns);
            } catch (QueryError e) {
                int from = e.position();
                int to = e.position() + e.length();
                for (int k = 0; k < spans.size(); k++) {
                    Span s = spans.get(k);
                    if (e.length() > 0 && s.start() >= from && s.end() <= to && s.kind() != Span.Kind.COLUMN
                            && s.kind() != Span.Kind.UNKNOWN_COLUMN) {
                        spans.set(k, new Span(s.start(), s.end(), Span.Kind.ERROR));
                    }
                }
            }
            return List.copyOf(spans);
        } catch (RuntimeException e) {
            return List.of(new Span(0, text.length(), Span.Kind.ERROR));
        }
    }

    private static void sortSpans(String text, Token t, Columns columns, List<Span> spans) {
        spans.add(new Span(t.start(), t.start() + 5, Span.Kind.SORT));
        int i = t.start() + 5;
        int part = 0; // 0: column, 1: direction, 2+: extra
        while (i < t.end()) {
            char c = text.charAt(i);
            if (c == ',' || c == ':') {
                spans.add(new Span(i, i + 1, Span.Kind.SORT));
                part = c == ',' ? 0 : part + 1;
                i++;
                continue;
            }
            int j = i;
            while (j < t.end() && text.charAt(j) != ',' && text.charAt(j) != ':') {
                j++;
            }
            String word = text.substring(i, j);
            Span.Kind kind = switch (part) {
                case 0 -> columns.find(word).isPresent() ? Span.Kind.COLUMN : Span.Kind.UNKNOWN_COLUMN;
                case 1 -> word.equalsIgnoreCase("asc") || word.equalsIgnoreCase("desc") ? Span.Kind.SORT_DIRECTION
                        : Span.Kind.ERROR;
                default -> Span.Kind.ERROR;
            };
            spans.add(new Span(i, j, kind));
            i = j;
        }
    }

    /** The query text, without surrounding white space. */
    public String text() {
        return text;
    }

    /** The filter; null when the query has no condition (every host matches). */
    public QueryExpr expr() {
        return expr;
    }

    /** Every condition, in text order. */
    public List<QueryExpr.Condition> conditions() {
        return expr == null ? List.of() : expr.conditions();
    }

    public List<SortKey> sortKeys() {
        return sort;
    }

    public boolean hasSort() {
        return !sort.isEmpty();
    }

    public boolean matches(HostState s) {
        return expr == null || expr.matches(s);
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

    @Override
    public String toString() {
        return text;
    }
}
