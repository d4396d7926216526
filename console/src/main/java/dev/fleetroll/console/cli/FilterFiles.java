package dev.fleetroll.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fleetroll.UserError;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.console.monitor.Picker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The monitor's saved filters: {@code --filter-file} and the picker's Saved tab. */
final class FilterFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private FilterFiles() {}

    /** The {@code query:} of a filter file. */
    static String query(Workspace workspace, String file) {
        Path p = Path.of(file);
        try {
            JsonNode n = YAML.readTree(Files.readString(p));
            JsonNode q = n == null ? null : n.get("query");
            if (q == null || !q.isTextual() || q.asText().isBlank()) {
                throw new UserError("--filter-file " + file + ": needs a non-empty 'query:' (e.g. query: applied=n sort:role)");
            }
            return q.asText();
        } catch (IOException e) {
            throw new UserError("--filter-file " + file + ": " + e.getMessage().lines().findFirst().orElse("unreadable"));
        }
    }

    static List<Picker.Entry> pickerEntries(Workspace workspace) {
        return List.of();
    }
}
