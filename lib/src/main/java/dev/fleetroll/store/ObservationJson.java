package dev.fleetroll.store;

import dev.fleetroll.util.Instants;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.state.Observation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The JSON form of an {@link Observation} as stored: field names as in the record, instants as UTC
 * ISO-8601 strings with milliseconds ({@code 2024-05-01T14:02:03.120Z}), outcomes by label
 * ({@code unreachable}), plus {@code "schema": 1} so later versions can read old rows. Unknown fields are
 * ignored on read, so newer rows stay readable by older code.
 */
public final class ObservationJson {
    /** Version of the JSON shape written by {@link #write}. */
    public static final int SCHEMA = 1;


    private static final ObjectMapper MAPPER = createMapper();

    private ObservationJson() {}

    /** A mapper configured for fleetroll's records (Java time, millisecond instants, outcome labels). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String write(Observation o) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("schema", SCHEMA);
        node.setAll((ObjectNode) MAPPER.valueToTree(o));
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Observation read(String json) {
        try {
            return MAPPER.readValue(json, Observation.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("unreadable stored observation: " + e.getOriginalMessage(), e);
        }
    }

    private static ObjectMapper createMapper() {
        SimpleModule fleetroll = new SimpleModule("fleetroll");
        fleetroll.addSerializer(Instant.class, Instants.JSON_SERIALIZER);
        fleetroll.addSerializer(Outcome.class, new JsonSerializer<>() {
            @Override
            public void serialize(Outcome value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.label());
            }
        });
        fleetroll.addDeserializer(Outcome.class, new JsonDeserializer<>() {
            @Override
            public Outcome deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String text = p.getValueAsString();
                try {
                    return Outcome.fromLabel(text);
                } catch (IllegalArgumentException e) {
                    return (Outcome) ctxt.handleWeirdStringValue(Outcome.class, text, "not an outcome label");
                }
            }
        });
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .registerModule(fleetroll)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }
}
