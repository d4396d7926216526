package dev.fleetroll.puppet;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.Locale;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Checks a {@code vault.yaml} before it is written to any host: UTF-8, one YAML document, a mapping at the top
 * level, no duplicate keys.
 *
 * <p>A vault holds secrets, so no message ever contains any of its text — not a value, not a key, not the
 * parser's excerpt of the offending line: only the line, the column and a stock description of the problem.
 * Rules: {@code utf-8}, {@code yaml-syntax}, {@code yaml-duplicate-key}, {@code yaml-single-document},
 * {@code yaml-mapping}.
 */
public final class VaultValidator {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private VaultValidator() {}

    /**
     * @throws InvalidFileError with a message that never quotes the vault
     */
    public static void validate(byte[] content, String source) {
        String text = Utf8.decode(content, source);
        int documents = 0;
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                if (documents == 1) {
                    throw new InvalidFileError(source, lineOf(it.getParser().currentTokenLocation()), "yaml-single-document",
                            "more than one YAML document ('---'); a vault is one mapping");
                }
                JsonNode doc = it.nextValue();
                documents++;
                if (doc == null || !doc.isObject()) {
                    throw new InvalidFileError(source, 0, "yaml-mapping",
                            "the top level must be a mapping of keys to values (found " + kind(doc) + ")");
                }
            }
        } catch (JsonProcessingException e) {
            throw syntax(e, source);
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidFileError ife) {
                throw ife;
            }
            Throwable cause = e.getCause();
            if (cause instanceof JsonProcessingException jpe) {
                throw syntax(jpe, source);
            }
            throw new InvalidFileError(source, 0, "yaml-syntax", "not valid YAML");
        }
        if (documents == 0) {
            throw new InvalidFileError(source, 0, "yaml-mapping", "the file is empty; a vault is a mapping of keys to values");
        }
    }

    private static String kind(JsonNode doc) {
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
            return "nothing";
        }
        if (doc.isArray()) {
            return "a list";
        }
        return "a single value";
    }

    private static int lineOf(JsonLocation loc) {
        return loc == null || loc.getLineNr() < 1 ? 0 : loc.getLineNr();
    }

    private static InvalidFileError syntax(JsonProcessingException e, String source) {
        Throwable t = e;
        while (t != null && !(t instanceof MarkedYAMLException)) {
            t = t.getCause();
        }
        if (t instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            int line = m.getProblemMark().getLine() + 1;
            int column = m.getProblemMark().getColumn() + 1;
            return new InvalidFileError(source, line, "yaml-syntax", describe(m.getProblem()) + " at column " + column);
        }
        String raw = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().toLowerCase(Locale.ROOT);
        int line = lineOf(e.getLocation());
        if (raw.startsWith("duplicate field")) {
            return new InvalidFileError(source, line, "yaml-duplicate-key", "a key appears twice in the same mapping");
        }
        return new InvalidFileError(source, line, "yaml-syntax", "not valid YAML");
    }

    /** A stock description for SnakeYAML's problem text, which may quote the file (so it is never passed on). */
    static String describe(String problem) {
        String p = problem == null ? "" : problem.toLowerCase(Locale.ROOT);
        if (p.contains("tab")) {
            return "a tab character where YAML needs spaces";
        }
        if (p.contains("mapping values are not allowed")) {
            return "a ':' where a mapping value is not allowed (unquoted ': ' in a value, or bad indentation)";
        }
        if (p.contains("could not find expected ':'")) {
            return "a key without ':'";
        }
        if (p.contains("expected <block end>") || p.contains("did not find expected key")
                || p.contains("did not find expected '-'")) {
            return "bad indentation or a misplaced item";
        }
        if (p.contains("end of stream")) {
            return "unexpected end of file (an unclosed quote or bracket?)";
        }
        if (p.contains("duplicate key")) {
            return "a key appears twice in the same mapping";
        }
        if (p.contains("alias") || p.contains("anchor")) {
            return "an alias (*name) or anchor (&name) problem";
        }
        if (p.contains("escape")) {
            return "an invalid escape sequence in a double-quoted string";
        }
        if (p.contains("character")) {
            return "a character that cannot start a YAML token";
        }
        return "a YAML syntax error";
    }
}
