package dev.fleetroll.state;

import dev.fleetroll.state.QueryLexer.Token;
import dev.fleetroll.state.QueryLexer.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Recursive descent over {@link QueryLexer}'s tokens:
 *
 * <pre>
 *   query     := or?                        (sort:... tokens are taken out first, wherever they are)
 *   or        := and ( 'or' and )*
 *   and       := unary ( 'and'? unary )*     (side by side means and)
 *   unary     := 'not' unary | primary
 *   primary   := '(' or ')' | COL OP VALUE?
 * </pre>
 *
 * The first error in the text wins; it is a {@link QueryError} pointing at the bad token.
 */
final class QueryParser {
    private final String text;
    private final Columns columns;
    private final List<Token> tokens;
    private int pos;

    /** The parsed filter (null: no condition) and sort keys. */
    record Result(QueryExpr expr, List<Query.SortKey> sort) {}

    private QueryParser(String text, Columns columns, List<Token> tokens) {
        this.text = text;
        this.columns = columns;
        this.tokens = tokens;
    }

    static Result parse(String text, Columns columns) {
        List<Token> filter = new ArrayList<>();
        List<Token> sorts = new ArrayList<>();
        for (Token t : QueryLexer.tokens(text)) {
            (t.type() == Type.SORT ? sorts : filter).add(t);
        }
        QueryError first = null;
        QueryExpr expr = null;
        try {
            expr = new QueryParser(text, columns, filter).query();
        } catch (QueryError e) {
            first = e;
        }
        List<Query.SortKey> keys = new ArrayList<>();
        for (Token s : sorts) {
            try {
                keys.addAll(sortKeys(text, s.start() + 5, s.end(), s.start(), columns));
            } catch (QueryError e) {
                if (first == null || e.position() < first.position()) {
                    first = e;
                }
                break;
            }
        }
        if (first != null) {
            throw first;
        }
        return new Result(expr, keys);
    }

    // ---- filter ----

    private QueryExpr query() {
        if (tokens.isEmpty()) {
            return null;
        }
        QueryExpr e = or();
        if (pos < tokens.size()) {
            Token t = tokens.get(pos);
            if (t.type() == Type.RPAREN) {
                throw error("unbalanced ')'", "remove it or add a '(' before it", t);
            }
            throw notExpected(t);
        }
        return e;
    }

    private QueryExpr or() {
        List<QueryExpr> parts = new ArrayList<>();
        parts.add(and());
        while (peekKeyword("or")) {
            Token or = tokens.get(pos++);
            if (endOfOperand()) {
                throw nothingAfter(or);
            }
            parts.add(and());
        }
        return parts.size() == 1 ? parts.get(0) : new QueryExpr.Or(parts);
    }

    private QueryExpr and() {
        List<QueryExpr> parts = new ArrayList<>();
        parts.add(unary());
        while (pos < tokens.size()) {
            Token t = tokens.get(pos);
            if (t.isKeyword("and")) {
                pos++;
                if (endOfOperand()) {
                    throw nothingAfter(t);
                }
            } else if (t.isKeyword("or") || t.type() == Type.RPAREN) {
                break;
            }
            parts.add(unary());
        }
        return parts.size() == 1 ? parts.get(0) : new QueryExpr.And(parts);
    }

    private QueryExpr unary() {
        Token t = tokens.get(pos);
        if (t.isKeyword("not")) {
            pos++;
            if (endOfOperand()) {
                throw error("'" + t.text() + "' has nothing after it", "add a condition after it, e.g. not os=L", t);
            }
            return new QueryExpr.Not(unary());
        }
        return primary();
    }

    private QueryExpr primary() {
        Token t = tokens.get(pos++);
        switch (t.type()) {
            case LPAREN -> {
                if (pos < tokens.size() && tokens.get(pos).type() == Type.RPAREN) {
                    Token close = tokens.get(pos);
                    throw new QueryError("empty parentheses", "put a condition inside or remove them", t.start(),
                            close.end() - t.start());
                }
                if (pos >= tokens.size()) {
                    throw error("unbalanced '('", "add a ')' to close it", t);
                }
                QueryExpr inner = or();
                if (pos >= tokens.size() || tokens.get(pos).type() != Type.RPAREN) {
                    throw error("unbalanced '('", "add a ')' to close it", t);
                }
                pos++;
                return inner;
            }
            case RPAREN -> throw error("unbalanced ')'", "remove it or add a '(' before it", t);
            case ERROR -> throw error(t.text(), t.fix(), t);
            case COLUMN -> {
                Token op = tokens.get(pos++); // the lexer puts an OPERATOR or an ERROR after every COLUMN
                if (op.type() == Type.ERROR) {
                    throw error(op.text(), op.fix(), op);
                }
                Token value = null;
                if (pos < tokens.size()) {
                    Token v = tokens.get(pos);
                    if (v.type() == Type.VALUE) {
                        value = v;
                        pos++;
                    } else if (v.type() == Type.ERROR && v.start() == op.end()) {
                        throw error(v.text(), v.fix(), v);
                    }
                }
                return ConditionCompiler.compile(text, columns, t, op, value);
            }
            default -> throw notACondition(t);
        }
    }

    private boolean peekKeyword(String k) {
        return pos < tokens.size() && tokens.get(pos).isKeyword(k);
    }

    /** Nothing that can start an operand follows: the end, ')', 'and' or 'or'. */
    private boolean endOfOperand() {
        if (pos >= tokens.size()) {
            return true;
        }
        Token t = tokens.get(pos);
        return t.type() == Type.RPAREN || t.isKeyword("and") || t.isKeyword("or");
    }

    private QueryError nothingAfter(Token t) {
        return error("'" + t.text() + "' has nothing after it", "add a condition after it or remove it", t);
    }

    private QueryError notExpected(Token t) {
        return t.type() == Type.ERROR ? error(t.text(), t.fix(), t) : notACondition(t);
    }

    private QueryError notACondition(Token t) {
        String w = t.text();
        if (t.isKeyword("and") || t.isKeyword("or")) {
            return error("'" + w + "' has no condition before it", "add a condition before it or remove it", t);
        }
        if (t.quoted()) {
            return error("'" + text.substring(t.start(), t.end()) + "' is not a condition",
                    "put a column and an operator before it, e.g. note~" + text.substring(t.start(), t.end()), t);
        }
        if (w.equals("&&") || w.equals("&")) {
            return error("'" + w + "' is not an operator", "write 'and'", t);
        }
        if (w.equals("||") || w.equals("|")) {
            return error("'" + w + "' is not an operator", "write 'or' (or a|b inside one value: os=L|M)", t);
        }
        if (columns.find(w).isPresent()) {
            String c = w.toLowerCase(Locale.ROOT);
            return error("column '" + w + "' has no operator", "write e.g. " + c + "=VALUE or " + c
                    + "~TEXT (operators: = != ~ < > <= >=)", t);
        }
        return error("'" + w + "' is not a condition", "write COL OP VALUE with OP one of = != ~ < > <= >=, "
                + "e.g. role~talos", t);
    }

    private static QueryError error(String problem, String fix, Token t) {
        return new QueryError(problem, fix, t.start(), t.end() - t.start());
    }

    // ---- sort ----

    /**
     * The sort keys in {@code text[start, end)}: {@code COL[:asc|desc][,COL...]}. {@code tokenStart} is where the
     * {@code sort:} that introduced them begins (for an empty spec).
     */
    static List<Query.SortKey> sortKeys(String text, int start, int end, int tokenStart, Columns columns) {
        if (text.substring(start, end).isBlank()) {
            throw new QueryError("empty sort", "name a column, e.g. sort:pp_last:desc,host", tokenStart,
                    end - tokenStart);
        }
        List<Query.SortKey> keys = new ArrayList<>();
        int from = start;
        while (true) {
            int comma = text.indexOf(',', from);
            int keyEnd = comma < 0 || comma >= end ? end : comma;
            keys.add(sortKey(text, from, keyEnd, end, columns));
            if (keyEnd >= end) {
                return keys;
            }
            from = keyEnd + 1;
        }
    }

    private static Query.SortKey sortKey(String text, int from, int to, int end, Columns columns) {
        int a = skipSpace(text, from, to);
        int b = trimEnd(text, a, to);
        if (a == b) {
            int comma = to < end ? to : from - 1;
            throw new QueryError("empty sort key", "remove the extra ','", comma, 1);
        }
        String key = text.substring(a, b);
        int colon = key.indexOf(':');
        if (colon >= 0 && key.indexOf(':', colon + 1) >= 0) {
            throw new QueryError("cannot read sort key '" + key + "'", "use COL, COL:asc or COL:desc", a, key.length());
        }
        String name = (colon < 0 ? key : key.substring(0, colon)).strip();
        if (name.isEmpty()) {
            throw new QueryError("sort key '" + key + "' has no column", "write COL:" + key.substring(colon + 1), a,
                    key.length());
        }
        Column column = columns.find(name).orElseThrow(() -> ConditionCompiler.unknownColumn(name, " in sort",
                a, columns));
        boolean descending = false;
        if (colon >= 0) {
            int d = skipSpace(text, a + colon + 1, b);
            String dir = text.substring(d, b);
            switch (dir.toLowerCase(Locale.ROOT)) {
                case "asc" -> descending = false;
                case "desc" -> descending = true;
                default -> throw new QueryError(dir.isEmpty() ? "missing sort direction after '" + key + "'"
                        : "sort direction '" + dir + "'", "use asc or desc, e.g. " + name + ":desc",
                        dir.isEmpty() ? a + colon : d, dir.isEmpty() ? 1 : dir.length());
            }
        }
        return new Query.SortKey(column, descending);
    }

    private static int skipSpace(String s, int from, int to) {
        while (from < to && Character.isWhitespace(s.charAt(from))) {
            from++;
        }
        return from;
    }

    private static int trimEnd(String s, int from, int to) {
        while (to > from && Character.isWhitespace(s.charAt(to - 1))) {
            to--;
        }
        return to;
    }
}
