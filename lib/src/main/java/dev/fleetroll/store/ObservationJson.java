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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
                throw new JsonParseException(p, "the row holds no observation (JSON null or nothing)");
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

    /** Writes {@code name}: null, or the start of an object the caller fills and ends; true when it wrote null. */
    private static boolean startOrNull(JsonGenerator g, String name, Object value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
            return true;
        }
        g.writeObjectFieldStart(name);
        return false;
    }

    private static void fileFacts(JsonGenerator g, String name, FileFacts f) throws IOException {
        if (startOrNull(g, name, f)) {
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
        if (startOrNull(g, name, s)) {
            return;
        }
        g.writeStringField("repo", s.repo());
        g.writeStringField("branch", s.branch());
        g.writeStringField("mail", s.mail());
        g.writeStringField("workerType", s.workerType());
        g.writeEndObject();
    }

    private static void puppet(JsonGenerator g, String name, PuppetRun r) throws IOException {
        if (startOrNull(g, name, r)) {
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
        if (startOrNull(g, name, m)) {
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

    // ---- reading: each value reader is given the value's first token and returns null for JSON null

    @FunctionalInterface
    private interface ValueReader {
        Object read(JsonParser p, JsonToken first) throws IOException;
    }

    private static final ValueReader TEXT = ObservationJson::text;
    private static final ValueReader LONG = ObservationJson::longValue;
    private static final ValueReader INTEGER = ObservationJson::integer;
    private static final ValueReader DECIMAL = ObservationJson::decimal;
    private static final ValueReader BOOL = ObservationJson::bool;
    private static final ValueReader INSTANT = ObservationJson::instant;

    /** A record's JSON fields and how to read each; {@link #read} gives their values in the order they were added. */
    private static final class Fields {
        private final Map<String, Integer> index = new HashMap<>();
        private final List<ValueReader> readers = new ArrayList<>();

        Fields field(String name, ValueReader reader) {
            index.put(name, readers.size());
            readers.add(reader);
            return this;
        }

        /**
         * The values of the object starting at {@code first}, null for JSON null. Fields this version does not know
         * are skipped (newer rows stay readable); missing ones are null.
         */
        Object[] read(JsonParser p, JsonToken first) throws IOException {
            if (first == JsonToken.VALUE_NULL) {
                return null;
            }
            if (first != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "expected an object, found " + first);
            }
            Object[] values = new Object[readers.size()];
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                Integer i = index.get(p.currentName());
                JsonToken value = p.nextToken();
                if (i == null) {
                    p.skipChildren();
                } else {
                    values[i] = readers.get(i).read(p, value);
                }
            }
            return values;
        }
    }

    private static final Fields FILE_FACTS = new Fields().field("path", TEXT).field("mode", TEXT).field("owner", TEXT)
            .field("group", TEXT).field("size", LONG).field("mtime", INSTANT).field("sha256", TEXT);

    private static final Fields OVERRIDE_SETTINGS = new Fields().field("repo", TEXT).field("branch", TEXT)
            .field("mail", TEXT).field("workerType", TEXT);

    private static final Fields PUPPET_RUN = new Fields().field("source", TEXT).field("schemaVersion", INTEGER)
            .field("at", INSTANT).field("durationS", DECIMAL).field("success", BOOL).field("exitCode", INTEGER)
            .field("role", TEXT).field("gitRepo", TEXT).field("gitBranch", TEXT).field("gitSha", TEXT)
            .field("gitDirty", BOOL).field("vaultPath", TEXT).field("vaultSha", TEXT).field("overridePath", TEXT)
            .field("overrideSha", TEXT);

    private static final Fields AUDIT_MEMO = new Fields().field("version", INTEGER).field("shell", TEXT)
            .field("clock", LONG).field("override", TEXT).field("vault", TEXT).field("puppetPath", TEXT)
            .field("puppet", TEXT);

    private static final Fields OBSERVATION = new Fields().field("host", TEXT).field("ts", INSTANT)
            .field("outcome", ObservationJson::outcome).field("error", TEXT).field("exitCode", INTEGER)
            .field("elapsedMs", LONG).field("os", TEXT).field("hostname", TEXT).field("uptimeSeconds", LONG)
            .field("role", TEXT).field("override", ObservationJson::fileFacts)
            .field("overrideSettings", ObservationJson::overrideSettings).field("vault", ObservationJson::fileFacts)
            .field("puppet", ObservationJson::puppet).field("workerRunning", BOOL)
            .field("warnings", ObservationJson::texts).field("memo", ObservationJson::memo);

    private static Observation observation(JsonParser p, JsonToken first) throws IOException {
        Object[] v = OBSERVATION.read(p, first);
        if (v == null) {
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
        Object[] v = FILE_FACTS.read(p, first);
        return v == null ? null : new FileFacts((String) v[0], (String) v[1], (String) v[2], (String) v[3],
                (Long) v[4], (Instant) v[5], (String) v[6]);
    }

    private static OverrideSettings overrideSettings(JsonParser p, JsonToken first) throws IOException {
        Object[] v = OVERRIDE_SETTINGS.read(p, first);
        return v == null ? null : new OverrideSettings((String) v[0], (String) v[1], (String) v[2], (String) v[3]);
    }

    private static PuppetRun puppet(JsonParser p, JsonToken first) throws IOException {
        Object[] v = PUPPET_RUN.read(p, first);
        return v == null ? null : new PuppetRun((String) v[0], (Integer) v[1], (Instant) v[2], (Double) v[3],
                (Boolean) v[4], (Integer) v[5], (String) v[6], (String) v[7], (String) v[8], (String) v[9],
                (Boolean) v[10], (String) v[11], (String) v[12], (String) v[13], (String) v[14]);
    }

    private static AuditMemo memo(JsonParser p, JsonToken first) throws IOException {
        Object[] v = AUDIT_MEMO.read(p, first);
        return v == null ? null : new AuditMemo(v[0] == null ? 0 : (Integer) v[0], (String) v[1], (Long) v[2],
                (String) v[3], (String) v[4], (String) v[5], (String) v[6]);
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
