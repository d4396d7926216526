package dev.fleetroll.console.repl;

import java.util.ArrayList;
import java.util.List;

/**
 * A forgiving lexer for the text before the cursor: enough of Groovy to know whether the cursor is inside a
 * string (and which call it is an argument of), what stands before a dot, and which braces are open. It never
 * fails and never evaluates anything.
 */
final class SourceScan {
    enum Kind { IDENT, NUMBER, STRING, DOT, LPAREN, RPAREN, LBRACE, RBRACE, LBRACK, RBRACK, COMMA, ARROW, OTHER }

    record Token(Kind kind, String text, int start) {}

    final List<Token> tokens = new ArrayList<>();
    /** Non-null when the text ends inside a string literal: the literal's content so far. */
    String openString;
    /** Offset of the open string's first content character. */
    int openStringStart = -1;
    /** True when the text ends inside a comment. */
    boolean inComment;

    static SourceScan of(String text) {
        SourceScan s = new SourceScan();
        s.scan(text);
        return s;
    }

    private void scan(String t) {
        int i = 0;
        int n = t.length();
        while (i < n) {
            char c = t.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < n && t.charAt(i + 1) == '/') {
                int eol = t.indexOf('\n', i);
                if (eol < 0) {
                    inComment = true;
                    return;
                }
                i = eol + 1;
            } else if (c == '/' && i + 1 < n && t.charAt(i + 1) == '*') {
                int end = t.indexOf("*/", i + 2);
                if (end < 0) {
                    inComment = true;
                    return;
                }
                i = end + 2;
            } else if (c == '\'' || c == '"') {
                String delim = t.startsWith(String.valueOf(c).repeat(3), i) ? String.valueOf(c).repeat(3) : String.valueOf(c);
                int start = i + delim.length();
                int j = start;
                boolean closed = false;
                while (j < n) {
                    if (t.charAt(j) == '\\') {
                        j += 2;
                        continue;
                    }
                    if (t.startsWith(delim, j)) {
                        closed = true;
                        break;
                    }
                    j++;
                }
                if (!closed) {
                    openString = t.substring(Math.min(start, n));
                    openStringStart = Math.min(start, n);
                    return;
                }
                tokens.add(new Token(Kind.STRING, t.substring(start, j), i));
                i = j + delim.length();
            } else if (Character.isJavaIdentifierStart(c)) {
                int j = i + 1;
                while (j < n && Character.isJavaIdentifierPart(t.charAt(j))) {
                    j++;
                }
                tokens.add(new Token(Kind.IDENT, t.substring(i, j), i));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(t.charAt(j)) || t.charAt(j) == '_'
                        || t.charAt(j) == '.' && j + 1 < n && Character.isDigit(t.charAt(j + 1)))) {
                    j++;
                }
                tokens.add(new Token(Kind.NUMBER, t.substring(i, j), i));
                i = j;
            } else if (c == '?' && i + 1 < n && t.charAt(i + 1) == '.') {
                tokens.add(new Token(Kind.DOT, "?.", i));
                i += 2;
            } else if (c == '-' && i + 1 < n && t.charAt(i + 1) == '>') {
                tokens.add(new Token(Kind.ARROW, "->", i));
                i += 2;
            } else {
                Kind k = switch (c) {
                    case '.' -> Kind.DOT;
                    case '(' -> Kind.LPAREN;
                    case ')' -> Kind.RPAREN;
                    case '{' -> Kind.LBRACE;
                    case '}' -> Kind.RBRACE;
                    case '[' -> Kind.LBRACK;
                    case ']' -> Kind.RBRACK;
                    case ',' -> Kind.COMMA;
                    default -> Kind.OTHER;
                };
                if (k == Kind.DOT && i + 1 < n && t.charAt(i + 1) == '.') { // range or spread-dot: not a member access
                    tokens.add(new Token(Kind.OTHER, "..", i));
                    i += 2;
                    continue;
                }
                tokens.add(new Token(k, String.valueOf(c), i));
                i++;
            }
        }
    }

    /** Index of the innermost unclosed bracket of any kind before {@code end}, or -1. */
    int innermostOpen(int end) {
        int depth = 0;
        for (int i = end - 1; i >= 0; i--) {
            Kind k = tokens.get(i).kind();
            if (isCloser(k)) {
                depth++;
            } else if (isOpener(k)) {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        return -1;
    }

    /** Index of the opener matching the closer at {@code closeIdx}, or -1: the innermost one still open before it. */
    int matchingOpen(int closeIdx) {
        return innermostOpen(closeIdx);
    }

    static boolean isOpener(Kind k) {
        return k == Kind.LPAREN || k == Kind.LBRACE || k == Kind.LBRACK;
    }

    static boolean isCloser(Kind k) {
        return k == Kind.RPAREN || k == Kind.RBRACE || k == Kind.RBRACK;
    }
}
