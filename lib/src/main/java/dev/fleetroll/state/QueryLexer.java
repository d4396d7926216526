package dev.fleetroll.state;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits query text into tokens that keep their positions. It never throws: a piece it cannot read becomes an
 * {@link Type#ERROR} token carrying the message, so the filter bar can highlight half-typed text and the parser
 * reports the first one it meets.
 *
 * <p>A condition is {@code NAME OP VALUE} with nothing in between: a name runs up to an operator character
 * ({@code = ! < > ~}), white space or a parenthesis; the operator is the longest of {@code >= <= != = < > ~};
 * the value is either quoted ({@code 'bad disk'} or {@code "bad disk"}, backslash escapes the quote and itself)
 * or runs to white space or an unmatched {@code )} (so {@code role~(talos|netperf)} keeps its group).
 * A name without an operator is a {@link Type#WORD}: a keyword or a mistake. {@code sort:...} is one
 * {@link Type#SORT} token.
 */
final class QueryLexer {
    /** What a token is. */
    enum Type { WORD, COLUMN, OPERATOR, VALUE, LPAREN, RPAREN, SORT, ERROR }

    /**
     * One token.
     *
     * @param text for {@link Type#VALUE} the value without quotes; for {@link Type#ERROR} the message; else the
     *     source text
     * @param quoted a quoted value or word
     * @param fix for {@link Type#ERROR}: how to fix it; else null
     */
    record Token(Type type, int start, int end, String text, boolean quoted, String fix) {
        Token(Type type, int start, int end, String text) {
            this(type, start, end, text, false, null);
        }

        static Token error(int start, int end, String problem, String fix) {
            return new Token(Type.ERROR, start, end, problem, false, fix);
        }

        boolean isKeyword(String k) {
            return type == Type.WORD && !quoted && text.equalsIgnoreCase(k);
        }

        boolean isKeyword() {
            return isKeyword("and") || isKeyword("or") || isKeyword("not");
        }
    }

    /** Misspelt operators and what to write instead. */
    private static final List<String[]> WRONG_OPERATORS = List.of(
            new String[] {"==", "write a single '='"},
            new String[] {"=~", "write '~' for a regex match"},
            new String[] {"~=", "write '~' for a regex match"},
            new String[] {"!~", "write 'not COL~VALUE'"},
            new String[] {"<>", "write '!='"},
            new String[] {"=>", "write '>='"},
            new String[] {"=<", "write '<='"});

    private final String s;
    private final List<Token> out = new ArrayList<>();
    private int i;

    private QueryLexer(String s) {
        this.s = s;
    }

    static List<Token> tokens(String text) {
        QueryLexer l = new QueryLexer(text == null ? "" : text);
        l.run();
        return l.out;
    }

    static boolean isOperatorChar(char c) {
        return c == '=' || c == '!' || c == '<' || c == '>' || c == '~';
    }

    private static boolean isQuote(char c) {
        return c == '"' || c == '\'';
    }

    private void run() {
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(') {
                out.add(new Token(Type.LPAREN, i, i + 1, "("));
                i++;
            } else if (c == ')') {
                out.add(new Token(Type.RPAREN, i, i + 1, ")"));
                i++;
            } else if (isQuote(c)) {
                Token q = quoted(Type.WORD);
                out.add(q);
            } else {
                word();
            }
        }
    }

    private void word() {
        int n = s.length();
        int start = i;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || c == '(' || c == ')' || isOperatorChar(c)) {
                break;
            }
            i++;
        }
        String name = s.substring(start, i);
        if (name.regionMatches(true, 0, "sort:", 0, 5)) {
            out.add(new Token(Type.SORT, start, i, name));
            return;
        }
        if (i >= n || !isOperatorChar(s.charAt(i))) {
            out.add(new Token(Type.WORD, start, i, name));
            return;
        }
        out.add(new Token(Type.COLUMN, start, i, name));
        operator();
        value();
    }

    private void operator() {
        int start = i;
        String two = s.substring(i, Math.min(i + 2, s.length()));
        for (String[] wrong : WRONG_OPERATORS) {
            if (two.equals(wrong[0])) {
                i += 2;
                out.add(Token.error(start, i, "unknown operator '" + two + "'",
                        wrong[1] + " (operators: = != ~ < > <= >=)"));
                return;
            }
        }
        if (two.equals(">=") || two.equals("<=") || two.equals("!=")) {
            i += 2;
            out.add(new Token(Type.OPERATOR, start, i, two));
            return;
        }
        char c = s.charAt(i);
        i++;
        if (c == '!') {
            out.add(Token.error(start, i, "unknown operator '!'",
                    "write '!=' for not equal, or 'not' before a condition (not os=L)"));
            return;
        }
        out.add(new Token(Type.OPERATOR, start, i, String.valueOf(c)));
    }

    private void value() {
        int n = s.length();
        if (i < n && isQuote(s.charAt(i))) {
            out.add(quoted(Type.VALUE));
            return;
        }
        int start = i;
        int depth = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                break;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (depth == 0) {
                    break;
                }
                depth--;
            }
            i++;
        }
        if (i > start) {
            out.add(new Token(Type.VALUE, start, i, s.substring(start, i)));
        }
    }

    /** A quoted string at {@code i}: backslash escapes the quote and itself; an unterminated one is an error. */
    private Token quoted(Type type) {
        int start = i;
        char q = s.charAt(i);
        StringBuilder b = new StringBuilder();
        i++;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == q || s.charAt(i + 1) == '\\')) {
                b.append(s.charAt(i + 1));
                i += 2;
            } else if (c == q) {
                i++;
                return new Token(type, start, i, b.toString(), true, null);
            } else {
                b.append(c);
                i++;
            }
        }
        return Token.error(start, i, "unterminated quote", "add the closing " + q);
    }
}
