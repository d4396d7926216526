package dev.fleetroll.store;

import dev.fleetroll.util.Instants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.state.AuditMemo;
import dev.fleetroll.state.FileFacts;
import dev.fleetroll.state.Observation;
import dev.fleetroll.state.OverrideSettings;
import dev.fleetroll.state.PuppetRun;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of an {@link Observation} as stored: field names as in the record, instants as UTC
 * ISO-8601 strings with milliseconds ({@code 2024-05-01T14:02:03.120Z}), outcomes by label
 * ({@code unreachable}), plus {@code "schema": 1} so later versions can read old rows. Unknown fields are
 * ignored on read, so newer rows stay readable by older code. Observations are written and read with Jackson's
 * streaming API, field by field; {@link #mapper()} binds the other records.
 */
public final class ObservationJson {
    /** Version of the JSON shape written by {@link #write}. */
    public static final int SCHEMA = 1;

    private static final JsonFactory FACTORY = new JsonFactory();

    private ObservationJson() {}

    /**
     * A mapper configured for fleetroll's records (Java time, millisecond instants, outcome labels), for the other
     * records the store and the reports write; made on first use (observations do not need it).
     */
    public static ObjectMapper mapper() {
        return Mapper.MAPPER;
    }

    private static final class Mapper {
        static final ObjectMapper MAPPER = createMapper();
    }

    /**
     * {@code o} as stored. Written field by field with Jackson's streaming generator: the same bytes the mapper's
     * bean serialization wrote (ObservationJsonSpec compares them), without building a bean serializer for the
     * record and its four nested ones, which was a noticeable part of every storing command's start-up.
     */
    public static String write(Observation o) {
        StringWriter out = new StringWriter(1024);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("schema", SCHEMA);
            g.writeStringField("host", o.host());
            instant(g, "ts", o.ts());
            g.writeStringField("outcome", o.outcome() == null ? null : o.outcome().label());
            g.writeStringField("error", o.error());
            number(g, "exitCode", o.exitCode());
            g.writeNumberField("elapsedMs", o.elapsedMs());
            g.writeStringField("os", o.os());
            g.writeStringField("hostname", o.hostname());
            number(g, "uptimeSeconds", o.uptimeSeconds());
            g.writeStringField("role", o.role());
            fileFacts(g, "override", o.override());
            overrideSettings(g, "overrideSettings", o.overrideSettings());
            fileFacts(g, "vault", o.vault());
            puppet(g, "puppet", o.puppet());
            bool(g, "workerRunning", o.workerRunning());
            g.writeArrayFieldStart("warnings");
            for (String w : o.warnings()) {
                g.writeString(w);
            }
            g.writeEndArray();
            memo(g, "memo", o.memo());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The observation stored as {@code json}: unknown fields are skipped, missing ones are null (zero for
     * {@code elapsedMs}); a scalar of another kind is converted as Jackson's binding did ({@code "3"} for a number).
     */
    public static Observation read(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            Observation o = observation(p, p.nextToken());
            if (o == null) {
                throw new JsonParseException(p, "no observation in " + json);
            }
            return o;
        } catch (IOException | RuntimeException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new UncheckedIOException("unreadable stored observation: " + why,
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    // ---- writing

    private static void instant(JsonGenerator g, String name, Instant t) throws IOException {
        g.writeStringField(name, t == null ? null : Instants.millisUtc(t));
    }

    private static void number(JsonGenerator g, String name, Number n) throws IOException {
        g.writeFieldName(name);
        switch (n) {
            case null -> g.writeNull();
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Double d -> g.writeNumber(d);
            default -> throw new IllegalArgumentException("no JSON form for " + n.getClass());
        }
    }

    private static void bool(JsonGenerator g, String name, Boolean b) throws IOException {
        g.writeFieldName(name);
        if (b == null) {
            g.writeNull();
        } else {
            g.writeBoolean(b);
        }
    }

    private static boolean nullField(JsonGenerator g, String name, Object value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
            return true;
        }
        g.writeObjectFieldStart(name);
        return false;
    }

    private static void fileFacts(JsonGenerator g, String name, FileFacts f) throws IOException {
        if (nullField(g, name, f)) {
            return;
        }
        g.writeStringField("path", f.path());
        g.writeStringField("mode", f.mode());
        g.writeStringField("owner", f.owner());
        g.writeStringField("group", f.group());
        number(g, "size", f.size());
        instant(g, "mtime", f.mtime());
        g.writeStringField("sha256", f.sha256());
        g.writeEndObject();
    }

    private static void overrideSettings(JsonGenerator g, String name, OverrideSettings s) throws IOException {
        if (nullField(g, name, s)) {
            return;
        }
        g.writeStringField("repo", s.repo());
        g.writeStringField("branch", s.branch());
        g.writeStringField("mail", s.mail());
        g.writeStringField("workerType", s.workerType());
        g.writeEndObject();
    }

    private static void puppet(JsonGenerator g, String name, PuppetRun r) throws IOException {
        if (nullField(g, name, r)) {
            return;
        }
        g.writeStringField("source", r.source());
        number(g, "schemaVersion", r.schemaVersion());
        instant(g, "at", r.at());
        number(g, "durationS", r.durationS());
        bool(g, "success", r.success());
        number(g, "exitCode", r.exitCode());
        g.writeStringField("role", r.role());
        g.writeStringField("gitRepo", r.gitRepo());
        g.writeStringField("gitBranch", r.gitBranch());
        g.writeStringField("gitSha", r.gitSha());
        bool(g, "gitDirty", r.gitDirty());
        g.writeStringField("vaultPath", r.vaultPath());
        g.writeStringField("vaultSha", r.vaultSha());
        g.writeStringField("overridePath", r.overridePath());
        g.writeStringField("overrideSha", r.overrideSha());
        g.writeEndObject();
    }

    private static void memo(JsonGenerator g, String name, AuditMemo m) throws IOException {
        if (nullField(g, name, m)) {
            return;
        }
        g.writeNumberField("version", m.version());
        g.writeStringField("shell", m.shell());
        number(g, "clock", m.clock());
        g.writeStringField("override", m.override());
        g.writeStringField("vault", m.vault());
        g.writeStringField("puppetPath", m.puppetPath());
        g.writeStringField("puppet", m.puppet());
        g.writeEndObject();
    }

    // ---- reading: each reader is given the value's first token and returns null for JSON null

    /** Calls {@code field} with each field's name, the parser on its value's first token. */
    private static boolean fields(JsonParser p, JsonToken first, FieldReader field) throws IOException {
        if (first == JsonToken.VALUE_NULL) {
            return false;
        }
        if (first != JsonToken.START_OBJECT) {
            throw new JsonParseException(p, "expected an object, found " + first);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (!field.read(name, value)) {
                p.skipChildren(); // a field this version does not know: newer rows stay readable
            }
        }
        return true;
    }

    @FunctionalInterface
    private interface FieldReader {
        /** False when the field is not known (its value is skipped). */
        boolean read(String name, JsonToken value) throws IOException;
    }

    private static Observation observation(JsonParser p, JsonToken first) throws IOException {
        Object[] v = new Object[17];
        boolean present = fields(p, first, (name, t) -> {
            switch (name) {
                case "host" -> v[0] = text(p, t);
                case "ts" -> v[1] = instant(p, t);
                case "outcome" -> v[2] = outcome(p, t);
                case "error" -> v[3] = text(p, t);
                case "exitCode" -> v[4] = integer(p, t);
                case "elapsedMs" -> v[5] = longValue(p, t);
                case "os" -> v[6] = text(p, t);
                case "hostname" -> v[7] = text(p, t);
                case "uptimeSeconds" -> v[8] = longValue(p, t);
                case "role" -> v[9] = text(p, t);
                case "override" -> v[10] = fileFacts(p, t);
                case "overrideSettings" -> v[11] = overrideSettings(p, t);
                case "vault" -> v[12] = fileFacts(p, t);
                case "puppet" -> v[13] = puppet(p, t);
                case "workerRunning" -> v[14] = bool(p, t);
                case "warnings" -> v[15] = texts(p, t);
                case "memo" -> v[16] = memo(p, t);
                default -> {
                    return false;
                }
            }
            return true;
        });
        if (!present) {
            return null;
        }
        @SuppressWarnings("unchecked")
        List<String> warnings = (List<String>) v[15];
        return new Observation((String) v[0], (Instant) v[1], (Outcome) v[2], (String) v[3], (Integer) v[4],
                v[5] == null ? 0 : (Long) v[5], (String) v[6], (String) v[7], (Long) v[8], (String) v[9],
                (FileFacts) v[10], (OverrideSettings) v[11], (FileFacts) v[12], (PuppetRun) v[13], (Boolean) v[14],
                warnings, (AuditMemo) v[16]);
    }

    private static FileFacts fileFacts(JsonParser p, JsonToken first) throws IOException {
        Object[] v = new Object[7];
        boolean present = fields(p, first, (name, t) -> {
            switch (name) {
                case "path" -> v[0] = text(p, t);
                case "mode" -> v[1] = text(p, t);
                case "owner" -> v[2] = text(p, t);
                case "group" -> v[3] = text(p, t);
                case "size" -> v[4] = longValue(p, t);
                case "mtime" -> v[5] = instant(p, t);
                case "sha256" -> v[6] = text(p, t);
                default -> {
                    return false;
                }
            }
            return true;
        });
        return present ? new FileFacts((String) v[0], (String) v[1], (String) v[2], (String) v[3], (Long) v[4],
                (Instant) v[5], (String) v[6]) : null;
    }

    private static OverrideSettings overrideSettings(JsonParser p, JsonToken first) throws IOException {
        String[] v = new String[4];
        boolean present = fields(p, first, (name, t) -> {
            switch (name) {
                case "repo" -> v[0] = text(p, t);
                case "branch" -> v[1] = text(p, t);
                case "mail" -> v[2] = text(p, t);
                case "workerType" -> v[3] = text(p, t);
                default -> {
                    return false;
                }
            }
            return true;
        });
        return present ? new OverrideSettings(v[0], v[1], v[2], v[3]) : null;
    }

    private static PuppetRun puppet(JsonParser p, JsonToken first) throws IOException {
        Object[] v = new Object[15];
        boolean present = fields(p, first, (name, t) -> {
            switch (name) {
                case "source" -> v[0] = text(p, t);
                case "schemaVersion" -> v[1] = integer(p, t);
                case "at" -> v[2] = instant(p, t);
                case "durationS" -> v[3] = decimal(p, t);
                case "success" -> v[4] = bool(p, t);
                case "exitCode" -> v[5] = integer(p, t);
                case "role" -> v[6] = text(p, t);
                case "gitRepo" -> v[7] = text(p, t);
                case "gitBranch" -> v[8] = text(p, t);
                case "gitSha" -> v[9] = text(p, t);
                case "gitDirty" -> v[10] = bool(p, t);
                case "vaultPath" -> v[11] = text(p, t);
                case "vaultSha" -> v[12] = text(p, t);
                case "overridePath" -> v[13] = text(p, t);
                case "overrideSha" -> v[14] = text(p, t);
                default -> {
                    return false;
                }
            }
            return true;
        });
        return present ? new PuppetRun((String) v[0], (Integer) v[1], (Instant) v[2], (Double) v[3], (Boolean) v[4],
                (Integer) v[5], (String) v[6], (String) v[7], (String) v[8], (String) v[9], (Boolean) v[10],
                (String) v[11], (String) v[12], (String) v[13], (String) v[14]) : null;
    }

    private static AuditMemo memo(JsonParser p, JsonToken first) throws IOException {
        Object[] v = new Object[7];
        boolean present = fields(p, first, (name, t) -> {
            switch (name) {
                case "version" -> v[0] = integer(p, t);
                case "shell" -> v[1] = text(p, t);
                case "clock" -> v[2] = longValue(p, t);
                case "override" -> v[3] = text(p, t);
                case "vault" -> v[4] = text(p, t);
                case "puppetPath" -> v[5] = text(p, t);
                case "puppet" -> v[6] = text(p, t);
                default -> {
                    return false;
                }
            }
            return true;
        });
        return present ? new AuditMemo(v[0] == null ? 0 : (Integer) v[0], (String) v[1], (Long) v[2], (String) v[3],
                (String) v[4], (String) v[5], (String) v[6]) : null;
    }

    private static String text(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!t.isScalarValue()) {
            throw new JsonParseException(p, "expected text for '" + p.currentName() + "', found " + t);
        }
        return p.getText();
    }

    private static List<String> texts(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw new JsonParseException(p, "expected a list for '" + p.currentName() + "', found " + t);
        }
        List<String> out = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            out.add(text(p, e));
        }
        return out;
    }

    private static Long longValue(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getValueAsLong();
            case VALUE_STRING -> Long.parseLong(p.getText().strip());
            default -> throw new JsonParseException(p, "expected a number for '" + p.currentName() + "', found " + t);
        };
    }

    private static Integer integer(JsonParser p, JsonToken t) throws IOException {
        Long l = longValue(p, t);
        return l == null ? null : Math.toIntExact(l);
    }

    private static Double decimal(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getValueAsDouble();
            case VALUE_STRING -> Double.parseDouble(p.getText().strip());
            default -> throw new JsonParseException(p, "expected a number for '" + p.currentName() + "', found " + t);
        };
    }

    private static Boolean bool(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case VALUE_STRING -> switch (p.getText().strip()) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new JsonParseException(p, "'" + p.getText() + "' is not true or false");
            };
            default -> throw new JsonParseException(p, "expected true or false for '" + p.currentName() + "', found " + t);
        };
    }

    /** An instant as written ({@link Instants#millisUtc}, or any ISO-8601 instant), or epoch seconds as a number. */
    private static Instant instant(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NULL -> null;
            case VALUE_STRING -> {
                try {
                    yield Instant.parse(p.getText().strip());
                } catch (DateTimeParseException e) {
                    throw new JsonParseException(p, "'" + p.getText() + "' is not a time");
                }
            }
            case VALUE_NUMBER_INT -> Instant.ofEpochSecond(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> {
                BigDecimal seconds = p.getDecimalValue();
                yield Instant.ofEpochSecond(seconds.longValue(),
                        seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
            }
            default -> throw new JsonParseException(p, "expected a time for '" + p.currentName() + "', found " + t);
        };
    }

    private static Outcome outcome(JsonParser p, JsonToken t) throws IOException {
        String label = text(p, t);
        if (label == null) {
            return null;
        }
        try {
            return Outcome.fromLabel(label);
        } catch (IllegalArgumentException e) {
            throw new JsonParseException(p, "'" + label + "' is not an outcome label");
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
