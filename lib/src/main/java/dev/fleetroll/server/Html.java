package dev.fleetroll.server;

/**
 * The one HTML escaping rule of the web UI: every host datum (names, cells, notes, audit entries) goes through
 * {@link #escape} before it is written into a page, in text and in attribute values alike.
 */
public final class Html {
    private Html() {}

    /** {@code text} with {@code & < > " '} replaced by entities; null becomes the empty string. */
    public static String escape(Object text) {
        if (text == null) {
            return "";
        }
        String s = text.toString();
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
