package dev.fleetroll.console.cli;

import dev.fleetroll.UserError;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.console.monitor.Picker;
import dev.fleetroll.state.Columns;
import dev.fleetroll.state.NamedFilters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The monitor's saved filters: {@code --filter-file} and the picker's Saved tab, both from {@link NamedFilters}. */
final class FilterFiles {
    private FilterFiles() {}

    /** The query of a saved-filter file (a YAML mapping with {@code query:}). */
    static String query(String file) {
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new UserError("--filter-file " + file + ": no such file");
        }
        try {
            return NamedFilters.read(p, Columns.standard()).query();
        } catch (UserError e) {
            throw new UserError("--filter-file " + file + ": " + e.getMessage());
        }
    }

    /** The named filters, read again each time the picker opens (a file added meanwhile shows up). */
    static List<Picker.Entry> pickerEntries(Workspace workspace) {
        return NamedFilters.load(workspace).filters().stream()
                .map(f -> new Picker.Entry(f.name(), f.query(), f.description()))
                .toList();
    }
}
