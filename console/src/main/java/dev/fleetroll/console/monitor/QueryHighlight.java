package dev.fleetroll.console.monitor;

import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** The filter bar's text, coloured: the token an error points at is red. */
final class QueryHighlight {
    private QueryHighlight() {}

    static AttributedString of(String text, int errorAt, int colours) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        if (errorAt < 0 || errorAt > text.length()) {
            return b.append(text).toAttributedString();
        }
        int end = errorAt;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        AttributedStyle bad = colours >= 8 ? AttributedStyle.BOLD.foreground(AttributedStyle.RED) : AttributedStyle.BOLD.underline();
        b.append(text, 0, errorAt).style(bad).append(text.substring(errorAt, Math.max(errorAt, end)))
                .style(AttributedStyle.DEFAULT).append(text.substring(end));
        return b.toAttributedString();
    }
}
