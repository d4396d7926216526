package dev.fleetroll.inventory;

import dev.fleetroll.UserError;
import java.util.Locale;
import java.util.regex.Pattern;

/** Validation and normalisation of host names (RFC 1123 labels, or an IPv4 literal). */
public final class HostNames {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private HostNames() {}

    /** Lower-cases and validates {@code name}; throws a {@link UserError} that says what is wrong with it. */
    public static String normalize(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new UserError("bad host name '" + name + "': " + problem);
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** Why {@code name} is not a host name, or {@code null} when it is one. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "it is empty";
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (IPV4.matcher(n).matches()) {
            return null;
        }
        if (n.length() > 253) {
            return "longer than 253 characters";
        }
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-' && c != '.') {
                return "character '" + printable(name.charAt(i)) + "' is not allowed (letters, digits, '-' and '.' only)";
            }
        }
        for (String label : n.split("\\.", -1)) {
            if (label.isEmpty()) {
                return "empty label (two dots in a row, or a leading dot)";
            }
            if (label.length() > 63) {
                return "label '" + label + "' is longer than 63 characters";
            }
            if (!LABEL.matcher(label).matches()) {
                return "label '" + label + "' must not start or end with '-'";
            }
        }
        return null;
    }

    /** The first DNS label: {@code t-linux64-ms-001.test.example} → {@code t-linux64-ms-001}. */
    public static String shortName(String host) {
        if (IPV4.matcher(host).matches()) {
            return host;
        }
        int dot = host.indexOf('.');
        return dot < 0 ? host : host.substring(0, dot);
    }

    private static String printable(char c) {
        if (c < 0x20 || c == 0x7f) {
            return String.format("\\x%02x", (int) c);
        }
        return String.valueOf(c);
    }
}
