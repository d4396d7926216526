package dev.fleetroll.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetroll.util.Durations;
import dev.fleetroll.util.EditDistance;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds a merged configuration tree to {@link FleetrollConfig}'s records: a key is its component's name in
 * snake_case ({@code handshake_concurrency}), a missing key is null (zero, false), an unknown key or a value of the
 * wrong kind is an {@link IllegalArgumentException} naming its path ({@code ssh.fanuot}, with the keys its section
 * takes), and a record's own checks (its compact constructor) speak for themselves.
 *
 * <p>It knows exactly the types the configuration uses: records, {@code String}, {@code int}/{@code Integer},
 * {@code long}, {@code boolean}, {@link Duration} (as operators write it: 30s, 5m), {@code List<T>} and
 * {@code Map<String, T>}. Jackson's general bean binding of the same records was the largest part of a command's
 * start-up (its first bind 65-75 ms of the 0.29 s {@code fleetroll hosts} took); with JNI reflection, {@code hosts}
 * takes 0.32 s of CPU with this binder against 0.40 s with Jackson's.
 */
final class ConfigBinder {
    /** Per record class: its components and canonical constructor, looked up once per process. */
    private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();

    private ConfigBinder() {}

    static <T extends Record> T bind(JsonNode tree, Class<T> type) {
        return type.cast(value(tree, type, ""));
    }

    private static Object value(JsonNode node, Type type, String path) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return empty(type);
        }
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type element = p.getActualTypeArguments()[raw == Map.class ? 1 : 0];
            if (raw == List.class) {
                return list(node, element, path);
            }
            if (raw == Map.class) {
                return map(node, element, path);
            }
        } else if (type instanceof Class<?> c) {
            if (c.isRecord()) {
                return record(node, c, path);
            }
            if (c == String.class) {
                return scalar(node, "a text", path);
            }
            if (c == int.class || c == Integer.class) {
                return Math.toIntExact(whole(node, path, Integer.MIN_VALUE, Integer.MAX_VALUE));
            }
            if (c == long.class || c == Long.class) {
                return whole(node, path, Long.MIN_VALUE, Long.MAX_VALUE);
            }
            if (c == boolean.class || c == Boolean.class) {
                return bool(node, path);
            }
            if (c == Duration.class) {
                String text = scalar(node, "a duration", path);
                Duration d = Durations.tryParse(text);
                if (d == null) {
                    throw new IllegalArgumentException("'" + text + "' at " + path + " is not a duration (use e.g. 30s, 5m, 2h, 1d)");
                }
                return d;
            }
        }
        throw new IllegalStateException("configuration type " + type.getTypeName() + " at " + path + " has no binding");
    }

    /** What a missing or null value binds to: null, or a primitive's zero. */
    private static Object empty(Type type) {
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == boolean.class) {
            return false;
        }
        return null;
    }

    private static Object record(JsonNode node, Class<?> type, String path) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where(path) + " must be a mapping of keys, not " + kind(node));
        }
        Shape shape = SHAPES.computeIfAbsent(type, Shape::of);
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!shape.keys.contains(key)) {
                throw unknownKey(path, key, shape.keys);
            }
        }
        Object[] args = new Object[shape.keys.size()];
        for (int i = 0; i < args.length; i++) {
            String key = shape.keys.get(i);
            args[i] = value(node.get(key), shape.types[i], child(path, key));
        }
        try {
            return shape.constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // the record's own check, e.g. "bmc.port must be 1..65535, not 0"
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    private static List<Object> list(JsonNode node, Type element, String path) {
        if (!node.isArray()) {
            throw new IllegalArgumentException(where(path) + " must be a list, not " + kind(node));
        }
        List<Object> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(value(node.get(i), element, path + "[" + i + "]"));
        }
        return out;
    }

    private static Map<String, Object> map(JsonNode node, Type value, String path) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where(path) + " must be a mapping, not " + kind(node));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), value(e.getValue(), value, child(path, e.getKey())));
        }
        return out;
    }

    private static String scalar(JsonNode node, String what, String path) {
        if (!node.isValueNode()) {
            throw new IllegalArgumentException(where(path) + " must be " + what + ", not " + kind(node));
        }
        return node.asText();
    }

    private static long whole(JsonNode node, String path, long min, long max) {
        long v;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            v = node.asLong();
        } else {
            String text = scalar(node, "a whole number", path).strip();
            try {
                v = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' at " + path + " is not a whole number");
            }
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(path + " is " + v + ", out of range");
        }
        return v;
    }

    private static boolean bool(JsonNode node, String path) {
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        String text = scalar(node, "true or false", path).strip();
        return switch (text) {
            case "true", "True", "TRUE" -> true;
            case "false", "False", "FALSE" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' at " + path + " is not true or false");
        };
    }

    private static String where(String path) {
        return path.isEmpty() ? "the configuration" : path;
    }

    private static String kind(JsonNode node) {
        return node.isArray() ? "a list" : node.isObject() ? "a mapping" : "'" + node.asText() + "'";
    }

    /** {@code ssh} and {@code fanout} -> {@code ssh.fanout}; a top-level key is its own path. */
    private static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** "unknown key 'ssh.fanuot' (did you mean 'ssh.fanout'?); ssh takes: config_file, fanout, ...". */
    private static IllegalArgumentException unknownKey(String path, String key, List<String> known) {
        String near = EditDistance.closest(key, known);
        return new IllegalArgumentException("unknown key '" + child(path, key) + "'"
                + (near == null ? "" : " (did you mean '" + child(path, near) + "'?)")
                + "; " + (path.isEmpty() ? "the sections are" : path + " takes") + ": " + String.join(", ", known));
    }

    /**
     * A record class's keys (its components in snake_case, in order), their generic types, and its canonical
     * constructor.
     */
    private record Shape(List<String> keys, Type[] types, Constructor<?> constructor) {
        static Shape of(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            List<String> keys = new ArrayList<>(components.length);
            Type[] types = new Type[components.length];
            Class<?>[] erased = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                keys.add(snakeCase(components[i].getName()));
                types[i] = components[i].getGenericType();
                erased[i] = components[i].getType();
            }
            try {
                return new Shape(List.copyOf(keys), types, type.getDeclaredConstructor(erased));
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
            }
        }
    }

    /** {@code handshakeConcurrency} -> {@code handshake_concurrency}, as Jackson's SNAKE_CASE strategy names keys. */
    static String snakeCase(String name) {
        StringBuilder b = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    b.append('_');
                }
                b.append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
