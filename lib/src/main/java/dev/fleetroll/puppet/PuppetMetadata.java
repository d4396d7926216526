package dev.fleetroll.puppet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetroll.state.PuppetRun;
import dev.fleetroll.util.Instants;
import dev.fleetroll.util.JsonTrees;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads a host's record of its last Puppet run: {@code last_run_metadata.json} (schema version 1, written by the
 * run-puppet wrapper) or, where that is missing, Puppet's own {@code last_run_summary.yaml}.
 *
 * <p>Lenient by design: {@code "NA"}, empty strings and JSON {@code null} are unknown (null), numbers may come
 * as strings, and anything unreadable becomes null with a message added to {@code warnings}. Never throws.
 */
public final class PuppetMetadata {
    public static final String SOURCE_METADATA = "metadata";
    public static final String SOURCE_SUMMARY = "summary";
    public static final int SCHEMA_VERSION = 1;

    private static final Pattern SHA = Pattern.compile("[0-9a-f]{7,64}");

    private PuppetMetadata() {}

    /** Parses {@code last_run_metadata.json}; null (with a warning) when it is not a JSON object. */
    public static PuppetRun fromJson(byte[] json, List<String> warnings) {
        JsonNode root;
        try {
            root = JsonTrees.json(json);
        } catch (Exception e) {
            warnings.add("puppet metadata: not valid JSON (" + firstLine(e.getMessage()) + ")");
            return null;
        }
        if (root == null || !root.isObject()) {
            warnings.add("puppet metadata: not a JSON object");
            return null;
        }
        Fields f = new Fields(root, "puppet metadata", warnings);
        Integer schema = f.integer("schema_version");
        if (schema != null && schema != SCHEMA_VERSION) {
            warnings.add("puppet metadata: schema_version " + schema + " is not " + SCHEMA_VERSION + "; reading the known fields");
        }
        Integer exit = f.integer("exit_code");
        Boolean success = f.bool("success");
        if (success == null && exit != null) {
            success = exit == 0 || exit == 2;
        }
        return new PuppetRun(SOURCE_METADATA, schema, f.instant("ts"), f.decimal("duration_s"), success, exit,
                f.text("role"), f.text("git_repo"), f.text("git_branch"), f.sha("git_sha"), f.bool("git_dirty"),
                f.text("vault_path"), f.sha("vault_sha"), f.text("override_path"), f.sha("override_sha"));
    }

    /**
     * Parses Puppet's {@code last_run_summary.yaml}: run time from {@code time.last_run}, duration from
     * {@code time.total}, success from {@code events.failure} (and {@code resources.failed}) when present, and the
     * git sha from {@code version.config} when the config version is a commit id.
     */
    public static PuppetRun fromSummaryYaml(byte[] yaml, List<String> warnings) {
        JsonNode root;
        try {
            root = JsonTrees.yaml(yaml);
        } catch (Exception e) {
            warnings.add("puppet summary: not valid YAML (" + firstLine(e.getMessage()) + ")");
            return null;
        }
        if (root == null || !root.isObject()) {
            warnings.add("puppet summary: not a YAML mapping");
            return null;
        }
        Fields time = new Fields(root.path("time"), "puppet summary time", warnings);
        Fields events = new Fields(root.path("events"), "puppet summary events", warnings);
        Fields resources = new Fields(root.path("resources"), "puppet summary resources", warnings);
        Fields version = new Fields(root.path("version"), "puppet summary version", warnings);
        Instant at = time.epoch("last_run");
        Double total = time.decimal("total");
        Integer failures = events.integer("failure");
        Integer failedResources = resources.integer("failed");
        Boolean success = null;
        if (failures != null) {
            success = failures == 0 && (failedResources == null || failedResources == 0);
        }
        String sha = commitId(version.text("config"));
        return new PuppetRun(SOURCE_SUMMARY, null, at, total, success, null, null, null, null, sha, null, null, null,
                null, null);
    }

    /** A config version that is a git commit id (7-64 hex digits, not all decimal unless full length); else null. */
    static String commitId(String configVersion) {
        if (configVersion == null) {
            return null;
        }
        String v = configVersion.toLowerCase(Locale.ROOT);
        if (!SHA.matcher(v).matches()) {
            return null;
        }
        boolean letters = v.chars().anyMatch(c -> c >= 'a');
        return letters || v.length() == 40 || v.length() == 64 ? v : null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Typed, tolerant access to one object's fields; problems become warnings naming the field. */
    private record Fields(JsonNode node, String what, List<String> warnings) {

        private JsonNode raw(String name) {
            JsonNode v = node.path(name);
            if (v.isMissingNode() || v.isNull()) {
                return null;
            }
            if (v.isTextual()) {
                String t = v.asText().strip();
                if (t.isEmpty() || t.equalsIgnoreCase("NA") || t.equalsIgnoreCase("null") || t.equalsIgnoreCase("none")) {
                    return null;
                }
            }
            return v;
        }

        String text(String name) {
            JsonNode v = raw(name);
            if (v == null) {
                return null;
            }
            if (v.isContainerNode()) {
                warn(name, "is not a single value");
                return null;
            }
            return v.asText().strip();
        }

        String sha(String name) {
            String t = text(name);
            return t == null ? null : t.toLowerCase(Locale.ROOT);
        }

        Integer integer(String name) {
            BigDecimal d = number(name);
            if (d == null) {
                return null;
            }
            try {
                return d.intValueExact();
            } catch (ArithmeticException e) {
                warn(name, "is not an integer: " + d);
                return null;
            }
        }

        Double decimal(String name) {
            BigDecimal d = number(name);
            return d == null ? null : d.doubleValue();
        }

        private BigDecimal number(String name) {
            JsonNode v = raw(name);
            if (v == null) {
                return null;
            }
            if (v.isNumber()) {
                return v.decimalValue();
            }
            if (v.isTextual()) {
                try {
                    return new BigDecimal(v.asText().strip());
                } catch (NumberFormatException e) {
                    // fall through
                }
            }
            warn(name, "is not a number: " + abbreviate(v));
            return null;
        }

        Boolean bool(String name) {
            JsonNode v = raw(name);
            if (v == null) {
                return null;
            }
            if (v.isBoolean()) {
                return v.booleanValue();
            }
            String t = v.asText().strip().toLowerCase(Locale.ROOT);
            switch (t) {
                case "true", "yes", "1" -> {
                    return true;
                }
                case "false", "no", "0" -> {
                    return false;
                }
                default -> {
                    warn(name, "is not a boolean: " + abbreviate(v));
                    return null;
                }
            }
        }

        /** ISO-8601 instant ({@code 2024-05-01T12:00:00Z}, offsets accepted) or epoch seconds. */
        Instant instant(String name) {
            JsonNode v = raw(name);
            if (v == null) {
                return null;
            }
            if (v.isNumber()) {
                return epochOf(v.decimalValue());
            }
            String t = v.asText().strip();
            Instant fast = Instants.parseRfc3339(t);
            if (fast != null) {
                return fast;
            }
            try {
                return OffsetDateTime.parse(t).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    return Instant.parse(t);
                } catch (DateTimeParseException e2) {
                    try {
                        return epochOf(new BigDecimal(t));
                    } catch (NumberFormatException e3) {
                        warn(name, "is not a time: " + abbreviate(v));
                        return null;
                    }
                }
            }
        }

        Instant epoch(String name) {
            BigDecimal d = number(name);
            return d == null ? null : epochOf(d);
        }

        private static Instant epochOf(BigDecimal seconds) {
            return Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
        }

        private void warn(String field, String problem) {
            warnings.add(what + ": " + field + " " + problem);
        }

        private static String abbreviate(JsonNode v) {
            String t = v.toString();
            return t.length() > 40 ? t.substring(0, 40) + "..." : t;
        }
    }
}
