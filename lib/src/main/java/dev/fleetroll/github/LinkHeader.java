package dev.fleetroll.github;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Parses HTTP {@code Link} header values (RFC 8288 section 3): comma-separated {@code <target>} with
 * {@code ; name=value} parameters, values as tokens or quoted strings with backslash escapes, optional whitespace
 * anywhere between the parts. Commas inside {@code <>} or quotes do not split links.
 */
public final class LinkHeader {
    private final String s;
    private int i;

    private LinkHeader(String s) {
        this.s = s;
    }

    /** The links of one or more header values, in order. Throws IllegalArgumentException on malformed input. */
    public static List<Link> parse(List<String> values) {
        List<Link> links = new ArrayList<>();
        for (String v : values) {
            links.addAll(new LinkHeader(v).links());
        }
        return links;
    }

    public static List<Link> parse(String value) {
        return parse(List.of(value));
    }

    /** The target of the first link with relation {@code rel}, if any. */
    public static Optional<String> target(List<String> values, String rel) {
        return parse(values).stream().filter(l -> l.hasRel(rel)).map(Link::target).findFirst();
    }

    private List<Link> links() {
        List<Link> links = new ArrayList<>();
        while (true) {
            skipWhitespaceAndCommas();
            if (i >= s.length()) {
                return links;
            }
            links.add(link());
            skipWhitespace();
            if (i < s.length() && s.charAt(i) != ',') {
                throw malformed("expected ',' between links");
            }
        }
    }

    private Link link() {
        if (s.charAt(i) != '<') {
            throw malformed("expected '<'");
        }
        int end = s.indexOf('>', i + 1);
        if (end < 0) {
            throw malformed("'<' without '>'");
        }
        String target = s.substring(i + 1, end).strip();
        i = end + 1;
        Map<String, String> params = new LinkedHashMap<>();
        while (true) {
            skipWhitespace();
            if (i >= s.length() || s.charAt(i) != ';') {
                return new Link(target, params);
            }
            i++;
            skipWhitespace();
            String name = token().toLowerCase(Locale.ROOT);
            skipWhitespace();
            String value = "";
            if (i < s.length() && s.charAt(i) == '=') {
                i++;
                skipWhitespace();
                value = i < s.length() && s.charAt(i) == '"' ? quoted() : token();
            }
            if (!name.isEmpty()) {
                params.putIfAbsent(name, value);
            }
        }
    }

    private String token() {
        int start = i;
        while (i < s.length() && ";,=\" \t".indexOf(s.charAt(i)) < 0) {
            i++;
        }
        return s.substring(start, i);
    }

    private String quoted() {
        StringBuilder b = new StringBuilder();
        i++; // opening quote
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\' && i < s.length()) {
                c = s.charAt(i++);
            }
            b.append(c);
        }
        throw malformed("unterminated quoted string");
    }

    private void skipWhitespace() {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
    }

    private void skipWhitespaceAndCommas() {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == ',')) {
            i++;
        }
    }

    private IllegalArgumentException malformed(String what) {
        return new IllegalArgumentException("malformed Link header at character " + i + ": " + what);
    }
}
