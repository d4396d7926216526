package dev.fleetroll.console.monitor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's filter history: newest first, at most {@value #MAX} entries, each once (using one moves it to the
 * front). Kept in {@code $FLEETROLL_HOME/filter_history}, one query per line, written (atomically) each time a
 * filter is applied, so two monitors share it and a crash loses nothing.
 */
public final class FilterHistory {
    public static final int MAX = 100;
    private static final Logger log = LoggerFactory.getLogger(FilterHistory.class);

    private final Path file;
    private final List<String> entries = new ArrayList<>();

    private FilterHistory(Path file) {
        this.file = file;
    }

    /** Loads the history from {@code file} (missing or unreadable: empty, logged). */
    public static FilterHistory load(Path file) {
        FilterHistory h = new FilterHistory(file);
        h.reload();
        return h;
    }

    private void reload() {
        entries.clear();
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String q = line.strip();
                if (!q.isEmpty() && !entries.contains(q) && entries.size() < MAX) {
                    entries.add(q);
                }
            }
        } catch (IOException e) {
            log.warn("cannot read the filter history {}: {}", file, e.getMessage());
        }
    }

    /** Newest first. */
    public List<String> entries() {
        return List.copyOf(entries);
    }

    /** Puts {@code query} first (removing an older copy), keeps {@value #MAX}, and saves. Blank queries are ignored. */
    public void add(String query) {
        String q = query == null ? "" : query.strip();
        if (q.isEmpty() || q.contains("\n")) {
            return;
        }
        reload(); // another monitor may have added some since
        entries.remove(q);
        entries.add(0, q);
        while (entries.size() > MAX) {
            entries.remove(entries.size() - 1);
        }
        save();
    }

    private void save() {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".filter_history", ".tmp");
            Files.write(tmp, entries, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.warn("cannot save the filter history {}: {}", file, e.getMessage());
        }
    }
}
