package dev.fleetroll.util;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX shell quoting for every value that reaches a remote or local shell. */
public final class Shell {
    private Shell() {}

    /**
     * Single-quotes {@code value} so that {@code sh} reads it back literally, whatever it contains
     * (quotes, {@code $(...)}, newlines, semicolons). The empty string becomes {@code ''}.
     */
    public static String quote(String value) {
        if (value.isEmpty()) {
            return "''";
        }
        if (value.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || "@%+=:,./-_".indexOf(c) >= 0)) {
            return value;
        }
        return "'" + value.replace("'", "'\"'\"'") + "'";
    }

    /** Quotes each word and joins them with spaces. */
    public static String join(List<String> words) {
        return words.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }
}
