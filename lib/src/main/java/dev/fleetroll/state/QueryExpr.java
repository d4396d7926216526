package dev.fleetroll.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A parsed filter: conditions combined with {@code and}, {@code or} and {@code not}. {@link Query} holds one (or
 * none: every host matches).
 */
public sealed interface QueryExpr permits QueryExpr.Condition, QueryExpr.And, QueryExpr.Or, QueryExpr.Not {

    boolean matches(HostState s);

    /** The conditions in this expression, in text order. */
    default List<Condition> conditions() {
        List<Condition> out = new ArrayList<>();
        collect(this, out);
        return out;
    }

    private static void collect(QueryExpr e, List<Condition> out) {
        switch (e) {
            case Condition c -> out.add(c);
            case And a -> a.parts().forEach(p -> collect(p, out));
            case Or o -> o.parts().forEach(p -> collect(p, out));
            case Not n -> collect(n.operand(), out);
        }
    }

    /**
     * One condition: {@code column op values}.
     *
     * @param op one of {@code = != ~ < > <= >=}
     * @param values the operand's alternatives ({@code a|b}), normalized for the column; empty for {@code col=} and
     *     {@code col!=}; for {@code ~} the one regex
     * @param source the condition as written
     * @param position 0-based offset of the condition in the query text
     * @param test the compiled test
     */
    record Condition(Column column, String op, List<String> values, String source, int position,
                     Predicate<HostState> test) implements QueryExpr {
        public Condition {
            Objects.requireNonNull(column, "column");
            values = List.copyOf(values);
        }

        @Override
        public boolean matches(HostState s) {
            return test.test(s);
        }

        @Override
        public String toString() {
            return source;
        }
    }

    /** Every part matches (written side by side or with {@code and}). */
    record And(List<QueryExpr> parts) implements QueryExpr {
        public And {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean matches(HostState s) {
            for (QueryExpr p : parts) {
                if (!p.matches(s)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return parts.stream().map(p -> p instanceof Or ? "(" + p + ")" : p.toString()).collect(Collectors.joining(" and "));
        }
    }

    /** At least one part matches. */
    record Or(List<QueryExpr> parts) implements QueryExpr {
        public Or {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean matches(HostState s) {
            for (QueryExpr p : parts) {
                if (p.matches(s)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return parts.stream().map(QueryExpr::toString).collect(Collectors.joining(" or "));
        }
    }

    /** The operand does not match. */
    record Not(QueryExpr operand) implements QueryExpr {
        public Not {
            Objects.requireNonNull(operand, "operand");
        }

        @Override
        public boolean matches(HostState s) {
            return !operand.matches(s);
        }

        @Override
        public String toString() {
            return "not " + (operand instanceof Condition || operand instanceof Not ? operand.toString() : "(" + operand + ")");
        }
    }
}
