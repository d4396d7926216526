package dev.fleetroll.util;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a JSON or YAML document into Jackson's tree nodes straight from the streaming parser, as
 * {@code ObjectMapper.readTree} does (a later duplicate key wins, numbers keep their kind) but without an
 * {@code ObjectMapper}: making one, and the deserialization context each {@code readTree} call builds, were a
 * measurable part of every command's start-up (the configuration) and of every audited host (its Puppet metadata).
 * A document that holds nothing is a {@link MissingNode}; anything after the first value is an error.
 */
public final class JsonTrees {
    private static final JsonFactory JSON = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTrees() {}

    private static final class Yaml {
        static final YAMLFactory FACTORY = new YAMLFactory();
    }

    public static JsonNode json(byte[] content) throws IOException {
        try (JsonParser p = JSON.createParser(content)) {
            return read(p);
        }
    }

    public static JsonNode yaml(byte[] content) throws IOException {
        try (JsonParser p = Yaml.FACTORY.createParser(content)) {
            return read(p);
        }
    }

    public static JsonNode yaml(InputStream in) throws IOException {
        try (JsonParser p = Yaml.FACTORY.createParser(in)) {
            return read(p);
        }
    }

    private static JsonNode read(JsonParser p) throws IOException {
        JsonToken first = p.nextToken();
        if (first == null) {
            return MissingNode.getInstance();
        }
        JsonNode root = value(p, first);
        JsonToken trailing = p.nextToken();
        if (trailing != null) {
            throw new JsonParseException(p, "unexpected " + trailing + " after the document's value");
        }
        return root;
    }

    private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
                    String name = p.currentName();
                    o.set(name, value(p, p.nextToken()));
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    a.add(value(p, e));
                }
                yield a;
            }
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> NODES.numberNode(p.getIntValue());
                case LONG -> NODES.numberNode(p.getLongValue());
                default -> NODES.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> switch (p.getNumberType()) {
                case BIG_DECIMAL -> NODES.numberNode(p.getDecimalValue());
                case FLOAT -> NODES.numberNode(p.getFloatValue());
                default -> NODES.numberNode(p.getDoubleValue());
            };
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT -> p.getEmbeddedObject() instanceof byte[] b
                    ? NODES.binaryNode(b) : NODES.pojoNode(p.getEmbeddedObject()); // YAML's !!binary
            default -> throw new JsonParseException(p, "unexpected " + t);
        };
    }
}
