package dev.fleetroll.console.monitor;

import dev.fleetroll.state.Columns;
import dev.fleetroll.state.Query;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * The filter bar's text as the query language reads it ({@link Query#highlight}): known columns cyan, unknown ones
 * red, operators bold, values green, keywords and parentheses magenta, {@code sort:} yellow; the piece a parse error
 * points at is red and underlined.
 */
final class QueryHighlight {
    private QueryHighlight() {}

    static AttributedString of(String text, int errorAt, int colours) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        int at = 0;
        for (Query.Span span : Query.highlight(text, Columns.standard())) {
            if (span.start() > at) {
                b.append(text.substring(at, span.start()));
            }
            boolean error = span.kind() == Query.Span.Kind.ERROR || (errorAt >= span.start() && errorAt < span.end());
            b.style(error ? bad(colours) : style(span.kind(), colours)).append(text.substring(span.start(), span.end()))
                    .style(AttributedStyle.DEFAULT);
            at = span.end();
        }
        if (at < text.length()) {
            b.append(text.substring(at));
        }
        return b.toAttributedString();
    }

    private static AttributedStyle bad(int colours) {
        return colours >= 8 ? AttributedStyle.BOLD.foreground(AttributedStyle.RED).underline() : AttributedStyle.BOLD.underline();
    }

    private static AttributedStyle style(Query.Span.Kind kind, int colours) {
        if (colours < 8) {
            return kind == Query.Span.Kind.UNKNOWN_COLUMN ? AttributedStyle.DEFAULT.underline() : AttributedStyle.DEFAULT;
        }
        return switch (kind) {
            case COLUMN -> AttributedStyle.BOLD.foreground(AttributedStyle.CYAN);
            case UNKNOWN_COLUMN -> AttributedStyle.BOLD.foreground(AttributedStyle.RED);
            case OPERATOR -> AttributedStyle.BOLD;
            case VALUE -> AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
            case KEYWORD, PAREN -> AttributedStyle.BOLD.foreground(AttributedStyle.MAGENTA);
            case SORT -> AttributedStyle.BOLD.foreground(AttributedStyle.YELLOW);
            case SORT_DIRECTION -> AttributedStyle.DEFAULT.foreground(AttributedStyle.MAGENTA);
            case ERROR -> bad(colours);
        };
    }
}
