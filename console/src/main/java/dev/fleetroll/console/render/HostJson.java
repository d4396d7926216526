package dev.fleetroll.console.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.state.HostState;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for host states: one object per host with every {@link HostState} property under its DSL name;
 * durations are whole seconds, instants ISO-8601 UTC strings, outcomes their labels, unknown values null.
 */
public final class HostJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HostJson() {}

    public static String toJson(List<HostState> states) {
        try {
            return MAPPER.writeValueAsString(states.stream().map(HostJson::toMap).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    public static Map<String, Object> toMap(Record r) {
        Map<String, Object> m = components(r);
        m.replaceAll((k, v) -> convert(v));
        return m;
    }

    /** A record's components in declaration order, by name, values as they are (null kept). */
    static Map<String, Object> components(Record r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                m.put(c.getName(), c.getAccessor().invoke(r));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return m;
    }

    private static Object convert(Object v) {
        if (v instanceof Duration d) {
            return d.getSeconds();
        }
        if (v instanceof Instant i) {
            return i.toString();
        }
        if (v instanceof Outcome o) {
            return o.label();
        }
        if (v instanceof Record r) {
            return toMap(r);
        }
        if (v instanceof List<?> l) {
            return l.stream().map(HostJson::convert).toList();
        }
        return v;
    }
}
