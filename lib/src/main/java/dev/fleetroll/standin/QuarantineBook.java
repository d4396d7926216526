package dev.fleetroll.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetroll.UserError;
import dev.fleetroll.util.Instants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stand-in's quarantine records: per worker, every quarantine change in order (who, until when, when, why). Kept
 * in a JSON file that is rewritten whole (through a temporary file and a rename) on each change, so quarantines
 * survive a restart of the stand-in. Thread-safe.
 */
public final class QuarantineBook {
    /** Which worker. */
    public record Key(String provisionerId, String workerType, String workerGroup, String workerId) {}

    /** One quarantine change, as the queue's {@code quarantineDetails} lists it. */
    public record Entry(String clientId, Instant quarantineUntil, Instant updatedAt, String quarantineInfo) {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;
    private final Map<Key, List<Entry>> entries = new LinkedHashMap<>();

    private QuarantineBook(Path file) {
        this.file = file;
    }

    /**
     * Opens the book kept in {@code file} (created on the first change), or an in-memory one when {@code file} is
     * null.
     *
     * @throws UserError when the file exists but is not a quarantine book
     */
    public static QuarantineBook open(Path file) {
        QuarantineBook book = new QuarantineBook(file);
        if (file != null && Files.exists(file)) {
            book.load();
        }
        return book;
    }

    public Path file() {
        return file;
    }

    /** The worker's quarantine end: the one set last, or empty if it never was quarantined. */
    public synchronized Optional<Instant> until(Key key) {
        List<Entry> list = entries.get(key);
        return list == null || list.isEmpty() ? Optional.empty() : Optional.of(list.getLast().quarantineUntil());
    }

    public synchronized List<Entry> history(Key key) {
        return List.copyOf(entries.getOrDefault(key, List.of()));
    }

    /** Appends a change and writes the file. */
    public synchronized void record(Key key, Entry entry) {
        entries.computeIfAbsent(key, k -> new ArrayList<>()).add(entry);
        save();
    }

    private void load() {
        String bad = "quarantine book " + file + ": not a fleetroll quarantine book: move it away or delete it";
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserError(bad);
        }
        if (root == null || !root.path("workers").isArray()) {
            throw new UserError(bad);
        }
        try {
            for (JsonNode w : root.get("workers")) {
                Key key = new Key(w.path("provisionerId").asText(), w.path("workerType").asText(),
                        w.path("workerGroup").asText(), w.path("workerId").asText());
                List<Entry> list = new ArrayList<>();
                for (JsonNode d : w.path("details")) {
                    list.add(new Entry(d.path("clientId").asText(), Instant.parse(d.path("quarantineUntil").asText()),
                            Instant.parse(d.path("updatedAt").asText()), d.path("quarantineInfo").asText()));
                }
                entries.put(key, list);
            }
        } catch (DateTimeParseException e) {
            throw new UserError(bad);
        }
    }

    private void save() {
        if (file == null) {
            return;
        }
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", 1);
        ArrayNode workers = root.putArray("workers");
        entries.forEach((k, list) -> {
            ObjectNode w = workers.addObject();
            w.put("provisionerId", k.provisionerId());
            w.put("workerType", k.workerType());
            w.put("workerGroup", k.workerGroup());
            w.put("workerId", k.workerId());
            ArrayNode details = w.putArray("details");
            for (Entry e : list) {
                details.addObject()
                        .put("clientId", e.clientId())
                        .put("quarantineUntil", Instants.millisUtc(e.quarantineUntil()))
                        .put("updatedAt", Instants.millisUtc(e.updatedAt()))
                        .put("quarantineInfo", e.quarantineInfo());
            }
        });
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the quarantine book " + file, e);
        }
    }
}
