package dev.fleetroll.util;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The one way fleetroll writes a time into its files (store JSON, audit log): UTC, always with milliseconds. */
public final class Instants {
    private static final DateTimeFormatter MILLIS_UTC =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Jackson writes an {@link Instant} as {@link #millisUtc} text with this (store JSON and the audit log). */
    public static final JsonSerializer<Instant> JSON_SERIALIZER = new JsonSerializer<>() {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(millisUtc(value));
        }
    };

    private Instants() {}

    /**
     * {@code 2026-11-23T16:02:11.042Z}: fixed width, so the text sorts like the time. Years 0-9999 are written by
     * hand (it runs for every observation stored; the formatter cost more than the rest of the JSON), others by the
     * formatter.
     */
    public static String millisUtc(Instant t) {
        long seconds = t.getEpochSecond();
        if (seconds < FIRST || seconds >= AFTER_LAST) {
            return MILLIS_UTC.format(t);
        }
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        LocalDate date = LocalDate.ofEpochDay(days);
        char[] c = new char[24];
        digits(c, 0, date.getYear(), 4);
        c[4] = '-';
        digits(c, 5, date.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, date.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, secondOfDay / 3600, 2);
        c[13] = ':';
        digits(c, 14, secondOfDay / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, secondOfDay % 60, 2);
        c[19] = '.';
        digits(c, 20, t.getNano() / 1_000_000, 3);
        c[23] = 'Z';
        return new String(c);
    }

    private static final long FIRST = LocalDate.of(0, 1, 1).toEpochDay() * 86_400;
    private static final long AFTER_LAST = LocalDate.of(10_000, 1, 1).toEpochDay() * 86_400;

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * An RFC 3339 time ({@code 2024-05-01T12:00:00Z}, {@code 2024-05-01T14:00:00.5+02:00}) read without a formatter:
     * hosts report their Puppet runs this way, and parsing it through {@code DateTimeFormatter} was a visible part of
     * each host's audit. Null for any other text, so callers can go on to the forms they also accept.
     */
    public static Instant parseRfc3339(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || (s.charAt(10) != 'T' && s.charAt(10) != 't')
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = number(s, 0, 4);
        int month = number(s, 5, 2);
        int day = number(s, 8, 2);
        int hour = number(s, 11, 2);
        int minute = number(s, 14, 2);
        int second = number(s, 17, 2);
        int i = 19;
        int nanos = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
                nanos = nanos * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start) {
                return null;
            }
            for (int k = i - start; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offset;
        if (i == n - 1 && (s.charAt(i) == 'Z' || s.charAt(i) == 'z')) {
            offset = 0;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int hours = number(s, i + 1, 2);
            int minutes = number(s, i + 4, 2);
            if (hours < 0 || minutes < 0 || hours > 18 || minutes > 59) {
                return null;
            }
            offset = (s.charAt(i) == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
        } else {
            return null;
        }
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return null;
        }
        try {
            long epoch = LocalDateTime.of(year, month, day, hour, minute, second)
                    .toEpochSecond(ZoneOffset.ofTotalSeconds(offset));
            return Instant.ofEpochSecond(epoch, nanos);
        } catch (DateTimeException e) {
            return null; // 2024-02-30, 25:00: not a time
        }
    }

    /** The decimal number in {@code s[at, at + width)}, or -1 when a character there is not a digit. */
    private static int number(String s, int at, int width) {
        int v = 0;
        for (int i = at; i < at + width; i++) {
            char ch = s.charAt(i);
            if (!isDigit(ch)) {
                return -1;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
