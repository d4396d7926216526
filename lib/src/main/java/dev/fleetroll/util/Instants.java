package dev.fleetroll.util;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import java.io.IOException;
import java.time.Instant;
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

    /** {@code 2026-11-23T16:02:11.042Z}: fixed width, so the text sorts like the time. */
    public static String millisUtc(Instant t) {
        return MILLIS_UTC.format(t);
    }
}
