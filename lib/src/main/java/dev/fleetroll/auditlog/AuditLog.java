package dev.fleetroll.auditlog;

import dev.fleetroll.util.Instants;
import dev.fleetroll.util.Sha256;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.fleetroll.UserError;
import dev.fleetroll.config.FleetrollHome;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The append-only audit log ({@code $FLEETROLL_HOME/audit.jsonl}): one JSON object a line, one line per mutating
 * action, whatever the front-end.
 *
 * <h2>Line format</h2>
 * Each line is the record's JSON object ({@link AuditRecord}, keys in a fixed order) whose last two keys are
 * <ul>
 *   <li>{@code prev}: the sha256 (hex) of the previous line's bytes (without its newline), or {@link #GENESIS}
 *       on the first line — a chain, so removing, inserting or altering a line breaks the next line's link;</li>
 *   <li>{@code hash}: the sha256 (hex) of this line's bytes up to (not including) {@code ,"hash":"} — so an edit
 *       of any line, the last included, is caught on that very line.</li>
 * </ul>
 * Anyone who can write the file can still recompute the hashes of every line after an edit; the chain catches
 * careless and accidental changes, not a determined local attacker (ship the log elsewhere for that).
 *
 * <h2>Concurrency</h2>
 * Appends take an exclusive {@link FileChannel#lock() file lock} (and an in-process lock, since the JVM refuses
 * overlapping locks on one file), read the last line, and write the new line with one positional write, then
 * fsync. Consoles, scripts and cron jobs on one machine may append at the same time.
 *
 * <p>Rotation is not implemented yet: when it is, the first line of a new file will carry the hash of the last line
 * of the rotated one, and {@link #verify()} will accept that link.
 */
public final class AuditLog {
    /** {@code prev} of the first line. */
    public static final String GENESIS = "0".repeat(64);

    private static final String HASH_KEY = ",\"hash\":\"";
    private static final int SUFFIX_LEN = HASH_KEY.length() + 64 + 2;
    private static final ObjectMapper JSON = mapper();
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path file;
    private final String actor;
    private final Clock clock;

    public AuditLog(Path file, String actor, Clock clock) {
        this.file = file.toAbsolutePath().normalize();
        this.actor = actor;
        this.clock = clock;
    }

    /** The log of {@code home}, recording {@code actor} (see {@link Actor#from}). */
    public static AuditLog of(FleetrollHome home, String actor) {
        return new AuditLog(home.auditLog(), actor, Clock.systemUTC());
    }

    public Path file() {
        return file;
    }

    public String actor() {
        return actor;
    }

    /** Appends one record (defaulting {@code ts} to now and {@code actor} to this log's) and returns it as written. */
    public AuditRecord append(AuditRecord record) {
        return appendAll(List.of(record)).get(0);
    }

    /** Appends records in order under one lock: a batch's per-host records stay together. */
    public List<AuditRecord> appendAll(List<AuditRecord> records) {
        if (records.isEmpty()) {
            return List.of();
        }
        List<AuditRecord> written = new ArrayList<>(records.size());
        ReentrantLock local;
        try {
            Files.createDirectories(file.getParent());
            // one in-process lock per real file: the JVM refuses a second FileLock on a file it already locks
            Path key = file.getParent().toRealPath().resolve(file.getFileName());
            local = IN_PROCESS.computeIfAbsent(key, f -> new ReentrantLock());
        } catch (IOException e) {
            throw new UserError("cannot create the audit log directory " + file.getParent() + ": " + e.getMessage(), e);
        }
        local.lock();
        try {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                long size = ch.size();
                byte[] last = lastLine(ch, size);
                boolean needsNewline = size > 0 && !endsWithNewline(ch, size);
                String prev = last == null ? GENESIS : Sha256.hex(last);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                if (needsNewline) {
                    out.write('\n'); // a torn last line stays visible to verify(); ours starts on a line of its own
                }
                Instant now = clock.instant();
                for (AuditRecord r : records) {
                    AuditRecord full = r.withDefaults(now, actor).withPrev(prev);
                    byte[] line = encode(full);
                    out.write(line);
                    out.write('\n');
                    prev = Sha256.hex(line);
                    written.add(full);
                }
                ByteBuffer buf = ByteBuffer.wrap(out.toByteArray());
                long pos = size;
                while (buf.hasRemaining()) {
                    pos += ch.write(buf, pos);
                }
                ch.force(false);
            }
        } catch (IOException e) {
            throw new UserError("cannot append to the audit log " + file + ": " + e.getMessage()
                    + " (check FLEETROLL_HOME permissions and free space)", e);
        } finally {
            local.unlock();
        }
        return written;
    }

    /**
     * Throws the same {@link UserError} an append would when the log cannot be opened for writing (a directory in
     * its place, a read-only file system), without writing anything: writes check this before they touch a host, so
     * a host is never changed without a record of it.
     */
    public void checkWritable() {
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ignored = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                // opened: appends will be able to open it too
            }
        } catch (IOException e) {
            throw new UserError("cannot append to the audit log " + file + ": " + e.getMessage()
                    + " (check FLEETROLL_HOME permissions and free space); nothing was written to any host", e);
        }
    }

    /** The line as it is written: the record's JSON, then its own hash. */
    static byte[] encode(AuditRecord r) {
        try {
            String json = JSON.writeValueAsString(r);
            String body = json.substring(0, json.length() - 1);
            byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
            return (body + HASH_KEY + Sha256.hex(bodyBytes) + "\"}").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("audit record not serializable: " + e.getMessage(), e);
        }
    }

    private static boolean endsWithNewline(FileChannel ch, long size) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one, size - 1);
        return one.get(0) == '\n';
    }

    /** The bytes of the last line (without its newline; a torn line without one counts too), or null when empty. */
    private static byte[] lastLine(FileChannel ch, long size) throws IOException {
        if (size == 0) {
            return null;
        }
        long end = size;
        if (endsWithNewline(ch, size)) {
            end--;
        }
        long start = end;
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        outer:
        while (start > 0) {
            long from = Math.max(0, start - chunk.capacity());
            chunk.clear().limit((int) (start - from));
            while (chunk.hasRemaining()) {
                if (ch.read(chunk, from + chunk.position()) < 0) {
                    break;
                }
            }
            for (int i = (int) (start - from) - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    start = from + i + 1;
                    break outer;
                }
            }
            start = from;
        }
        ByteBuffer line = ByteBuffer.allocate((int) (end - start));
        while (line.hasRemaining()) {
            if (ch.read(line, start + line.position()) < 0) {
                break;
            }
        }
        return line.array();
    }

    /** The result of {@link #verify()}: {@code badLine} is 0 and {@code problem} null when the chain is intact. */
    public record Verification(long lines, long badLine, String problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    /** Checks every line's own hash and its link to the previous line; stops at the first bad line. */
    public Verification verify() {
        long[] count = {0};
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            String prev = GENESIS;
            byte[] line;
            while ((line = readLine(in)) != null) {
                long n = ++count[0];
                boolean complete = line.length > 0 && line[line.length - 1] == '\n';
                if (!complete) {
                    return new Verification(n, n, "line " + n + " is incomplete (no newline at the end: a write was interrupted)");
                }
                byte[] bytes = java.util.Arrays.copyOf(line, line.length - 1);
                String problem = checkLine(bytes, n, prev);
                if (problem != null) {
                    return new Verification(n, n, problem);
                }
                prev = Sha256.hex(bytes);
            }
            return new Verification(count[0], 0, null);
        } catch (NoSuchFileException e) {
            return new Verification(0, 0, null);
        } catch (IOException e) {
            throw new UserError("cannot read the audit log " + file + ": " + e.getMessage(), e);
        }
    }

    private static String checkLine(byte[] bytes, long n, String expectedPrev) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return "line " + n + " is empty (lines are never blank)";
        }
        if (bytes.length < SUFFIX_LEN + 2
                || !text.endsWith("\"}")
                || !text.regionMatches(text.length() - SUFFIX_LEN, HASH_KEY, 0, HASH_KEY.length())) {
            return "line " + n + " has no hash at its end (it was edited or written by something else)";
        }
        byte[] body = java.util.Arrays.copyOf(bytes, bytes.length - SUFFIX_LEN);
        String claimed = text.substring(text.length() - 66, text.length() - 2);
        if (!claimed.equals(Sha256.hex(body))) {
            return "line " + n + " does not match its hash (the line was edited after it was written)";
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (IOException e) {
            return "line " + n + " is not valid JSON";
        }
        JsonNode prev = node.get("prev");
        if (prev == null || !prev.isTextual()) {
            return "line " + n + " has no prev hash";
        }
        if (!prev.asText().equals(expectedPrev)) {
            return n == 1
                    ? "line 1 does not start the chain (its prev is not the genesis hash: lines were removed from the start)"
                    : "line " + n + " does not follow line " + (n - 1) + " (prev hash differs: line " + (n - 1)
                            + " was altered, or lines were removed or inserted between them)";
        }
        return null;
    }

    /** Reads one line including its trailing newline (if any); null at end of input. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(512);
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (c == '\n') {
                break;
            }
        }
        return b.size() == 0 ? null : b.toByteArray();
    }

    /** Which records {@link #read} returns; null fields match everything. */
    public record Filter(String host, String action, Instant since) {
        public static final Filter ALL = new Filter(null, null, null);

        public boolean matches(AuditRecord r) {
            if (host != null && !r.concerns(host)) {
                return false;
            }
            if (action != null && !(r.action().equals(action) || r.action().startsWith(action + "."))) {
                return false;
            }
            return since == null || r.ts() != null && !r.ts().isBefore(since);
        }
    }

    /** One readable line: its number, its text as stored, and the record. */
    public record Entry(long line, String raw, AuditRecord record) {}

    /** Records matching {@code filter}, oldest first; {@code unreadable} counts lines that did not parse. */
    public record Listing(List<Entry> entries, int unreadable) {}

    public Listing read(Filter filter) {
        List<Entry> entries = new ArrayList<>();
        int[] unreadable = {0};
        forEachLine((n, text) -> {
            try {
                AuditRecord r = JSON.readValue(text, AuditRecord.class);
                if (filter.matches(r)) {
                    entries.add(new Entry(n, text, r));
                }
            } catch (IOException | RuntimeException e) {
                unreadable[0]++;
            }
        });
        return new Listing(entries, unreadable[0]);
    }

    private interface LineVisitor {
        void visit(long n, String text);
    }

    private void forEachLine(LineVisitor v) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            byte[] line;
            long n = 0;
            while ((line = readLine(in)) != null) {
                n++;
                int len = line[line.length - 1] == '\n' ? line.length - 1 : line.length;
                String text = new String(line, 0, len, StandardCharsets.UTF_8);
                if (!text.isBlank()) {
                    v.visit(n, text);
                }
            }
        } catch (NoSuchFileException e) {
            // no log yet: nothing to read
        } catch (IOException e) {
            throw new UserError("cannot read the audit log " + file + ": " + e.getMessage(), e);
        }
    }

    /** The mapper for audit lines (also used to print records as JSON). */
    public static ObjectMapper json() {
        return JSON;
    }

    /** Formats {@code ts} as the log does: {@code 2026-08-13T10:11:12.345Z}. */
    public static String formatTs(Instant ts) {
        return Instants.millisUtc(ts);
    }


    private static ObjectMapper mapper() {
        SimpleModule time = new SimpleModule("fleetroll-audit-time");
        time.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(Instants.millisUtc(value));
            }
        });
        time.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return Instant.parse(p.getValueAsString());
            }
        });
        return new ObjectMapper()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .registerModule(time);
    }

}
