package dev.fleetroll.util;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax used everywhere an operator types a duration: configuration, CLI flags and the
 * query language. Units {@code ms s m h d w}, combinable ({@code 1h30m}, {@code 2d 4h}); a bare number is seconds.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d|w)", Pattern.CASE_INSENSITIVE);
    private static final Pattern BARE = Pattern.compile("\\d+(?:\\.\\d+)?");

    private Durations() {}

    /**
     * Parses {@code text}; throws {@link IllegalArgumentException} naming the accepted syntax when it is not a duration.
     */
    public static Duration parse(String text) {
        Duration d = tryParse(text);
        if (d == null) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 30s, 5m, 2h, 1d, 1h30m)");
        }
        return d;
    }

    /** Like {@link #parse} but returns {@code null} for text that is not a duration. */
    public static Duration tryParse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        if (t.isEmpty()) {
            return null;
        }
        if (BARE.matcher(t).matches()) {
            return ofSeconds(Double.parseDouble(t));
        }
        Matcher m = PART.matcher(t);
        int pos = 0;
        double seconds = 0;
        boolean any = false;
        while (m.find()) {
            if (!t.substring(pos, m.start()).isBlank()) {
                return null;
            }
            double n = Double.parseDouble(m.group(1));
            seconds += n * switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms" -> 0.001;
                case "s" -> 1;
                case "m" -> 60;
                case "h" -> 3600;
                case "d" -> 86400;
                default -> 7 * 86400; // w
            };
            pos = m.end();
            any = true;
        }
        if (!any || !t.substring(pos).isBlank()) {
            return null;
        }
        return ofSeconds(seconds);
    }

    private static Duration ofSeconds(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    /**
     * Compact human form used in tables: {@code 42s}, {@code 17m}, {@code 3h 05m}, {@code 2d 04h}.
     * Negative durations (clock skew) render as their absolute value prefixed with {@code -}.
     */
    public static String humanize(Duration d) {
        if (d == null) {
            return "-";
        }
        if (d.isNegative()) {
            return "-" + humanize(d.negated());
        }
        long s = d.getSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m";
        }
        if (s < 86400) {
            return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dd %02dh", s / 86400, (s % 86400) / 3600);
    }

    /** Short form for configuration and messages: {@code 90s} → {@code 1m30s}, {@code 3600s} → {@code 1h}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        if (ms < 0) {
            b.append('-');
            ms = -ms;
        }
        long[] units = {86400_000L, 3600_000L, 60_000L, 1000L, 1L};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            long n = ms / units[i];
            if (n > 0) {
                b.append(n).append(names[i]);
                ms -= n * units[i];
            }
        }
        return b.toString();
    }
}
