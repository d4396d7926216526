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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
 * <h2>Rotation</h2>
 * {@link #rotate} (run by {@code fleetroll maintain}) keeps the chain across files: under the append lock it writes
 * the new file aside with one first line, an {@code audit.rotate} record whose {@code prev} is the hash of the old
 * file's last line, gives the old file its rotated name {@code audit.jsonl.<yyyyMMdd-HHmmss>} (a hard link, so the
 * log's name never stops existing) and renames the new file over {@code audit.jsonl}. An appender that opened the
 * old file and waited for the lock meanwhile notices, once it holds the lock, that {@code audit.jsonl} is another
 * file now (its file key changed) and appends to the new one instead: no record is lost or written to the rotated
 * file. {@link #verify()} checks every file in order, each first line against the previous file's last line.
 * (On a file system that reports no file keys the check cannot be made: run {@code maintain} there while no other
 * fleetroll appends. Linux and macOS report device and inode.)
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
        ReentrantLock local = inProcessLock();
        local.lock();
        try {
            while (true) {
                Object identity = fileKey(file); // null: no log yet (rotation never replaces an absent or empty log)
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                     FileLock ignored = ch.lock()) {
                    if (identity != null && !identity.equals(fileKey(file))) {
                        continue; // rotated while we waited for the lock: this channel is the rotated file
                    }
                    written.clear();
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
                    break;
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot append to the audit log " + file + ": " + e.getMessage()
                    + " (check FLEETROLL_HOME permissions and free space)", e);
        } finally {
            local.unlock();
        }
        return written;
    }

    /** One in-process lock per real file: the JVM refuses a second FileLock on a file it already locks. */
    private ReentrantLock inProcessLock() {
        try {
            Files.createDirectories(file.getParent());
            Path key = file.getParent().toRealPath().resolve(file.getFileName());
            return IN_PROCESS.computeIfAbsent(key, f -> new ReentrantLock());
        } catch (IOException e) {
            throw new UserError("cannot create the audit log directory " + file.getParent() + ": " + e.getMessage(), e);
        }
    }

    /** The identity of the file now at {@code p} (device and inode on Unix), or null when absent or unknown. */
    private static Object fileKey(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    // ---- rotation ----

    /** Rotated files are named {@code audit.jsonl.<UTC yyyyMMdd-HHmmss>}, with {@code .N} added on a collision. */
    private static final DateTimeFormatter ROTATED = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** What {@link #rotate} did: {@code rotatedTo} is null when the log was left as it was ({@code why} says why). */
    public record Rotation(boolean rotated, long bytes, Path rotatedTo, String why) {}

    /** The size of the current file in bytes (0 when there is none). */
    public long size() {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Rotates the log when it is at least {@code minBytes} long, or with {@code force} whenever it holds anything (an
     * empty or absent log is never rotated). See the class comment for how the chain and concurrent appenders are kept.
     */
    public Rotation rotate(long minBytes, boolean force) {
        return rotate(minBytes, force, () -> { });
    }

    /** {@link #rotate(long, boolean)} running {@code whileLocked} under the lock before the files change (specs). */
    Rotation rotate(long minBytes, boolean force, Runnable whileLocked) {
        ReentrantLock local = inProcessLock();
        local.lock();
        try {
            while (true) {
                Object identity = fileKey(file);
                if (identity == null && !Files.exists(file)) {
                    return new Rotation(false, 0, null, "there is no audit log yet");
                }
                Rotation r = rotateLocked(identity, minBytes, force, whileLocked);
                if (r != null) {
                    return r;
                }
            }
        } finally {
            local.unlock();
        }
    }

    /** One attempt under the file lock; null when another process rotated the file while we waited for the lock. */
    private Rotation rotateLocked(Object identity, long minBytes, boolean force, Runnable whileLocked) {
        Path tmp = file.resolveSibling(file.getFileName() + ".rotating-" + ProcessHandle.current().pid());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            if (identity != null && !identity.equals(fileKey(file))) {
                return null;
            }
            long size = ch.size();
            if (size == 0) {
                return new Rotation(false, 0, null, "the audit log is empty");
            }
            if (!force && size < minBytes) {
                return new Rotation(false, size, null, "smaller than the rotation size");
            }
            whileLocked.run();
            Path target = rotatedName();
            byte[] last = lastLine(ch, size);
            AuditRecord first = AuditRecord.builder("audit.rotate").ts(clock.instant()).actor(actor).ok(true).outcome("rotated")
                    .forced(force && size < minBytes)
                    .parameter("previous_file", target.getFileName().toString()).parameter("previous_bytes", size)
                    .build().withPrev(Sha256.hex(last));
            byte[] line = encode(first);
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
                out.force(true);
            }
            try {
                Files.createLink(target, file); // the old file gets its rotated name; audit.jsonl still names it
            } catch (UnsupportedOperationException | IOException e) {
                throw new UserError("cannot rotate the audit log " + file + ": the file system refused a hard link to "
                        + target.getFileName() + " (" + e.getMessage() + "); nothing was changed", e);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                Files.deleteIfExists(target); // audit.jsonl was not replaced: a second name for it would break the chain
                throw e;
            }
            syncDirectory();
            return new Rotation(true, size, target, null);
        } catch (NoSuchFileException e) {
            return null; // replaced between the look and the open: look again
        } catch (IOException e) {
            throw new UserError("cannot rotate the audit log " + file + ": " + e.getMessage() + " (check free space)", e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing left to clean
            }
        }
    }

    private Path rotatedName() {
        String base = file.getFileName() + "." + ROTATED.format(clock.instant());
        Path p = file.resolveSibling(base);
        for (int n = 2; Files.exists(p); n++) {
            p = file.resolveSibling(base + "." + n);
        }
        return p;
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | RuntimeException ignored) {
            // not every platform can sync a directory; the renames are still atomic
        }
    }

    /** The rotated files, oldest first, then the current one (when it exists): the chain's order. */
    public List<Path> files() {
        Pattern rotated = Pattern.compile(Pattern.quote(file.getFileName().toString()) + "\\.(\\d{8}-\\d{6})(?:\\.(\\d+))?");
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(file.getParent())) {
            s.filter(p -> rotated.matcher(p.getFileName().toString()).matches()).forEach(out::add);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UserError("cannot list the audit log directory " + file.getParent() + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing((Path p) -> {
            Matcher m = rotated.matcher(p.getFileName().toString());
            m.matches();
            return m.group(1);
        }).thenComparingInt(p -> {
            Matcher m = rotated.matcher(p.getFileName().toString());
            m.matches();
            return m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        }));
        if (Files.exists(file)) {
            out.add(file);
        }
        return out;
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

    /**
     * The result of {@link #verify()}: {@code badLine} is 0 and {@code problem} null when the chain is intact.
     *
     * @param lines lines checked, over all files
     * @param badFile the file holding the bad line (null when intact)
     * @param files how many files the chain spans
     */
    public record Verification(long lines, long badLine, String problem, Path badFile, int files) {
        public boolean ok() {
            return problem == null;
        }
    }

    /**
     * Checks every line's own hash and its link to the previous line, across the rotated files and the current one in
     * order (a file's first line links to the previous file's last line); stops at the first bad line.
     */
    public Verification verify() {
        List<Path> files = files();
        String prev = GENESIS;
        long total = 0;
        Path before = null;
        for (Path f : files) {
            String name = files.size() > 1 ? " of " + f.getFileName() : "";
            long n = 0;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(f))) {
                byte[] line;
                while ((line = readLine(in)) != null) {
                    n++;
                    total++;
                    boolean complete = line.length > 0 && line[line.length - 1] == '\n';
                    if (!complete) {
                        return new Verification(total, n, "line " + n + name
                                + " is incomplete (no newline at the end: a write was interrupted)", f, files.size());
                    }
                    byte[] bytes = java.util.Arrays.copyOf(line, line.length - 1);
                    String problem = checkLine(bytes, n, prev, name, before);
                    if (problem != null) {
                        return new Verification(total, n, problem, f, files.size());
                    }
                    prev = Sha256.hex(bytes);
                }
            } catch (NoSuchFileException e) {
                continue; // removed meanwhile (an empty current log is absent)
            } catch (IOException e) {
                throw new UserError("cannot read the audit log " + f + ": " + e.getMessage(), e);
            }
            before = f;
        }
        return new Verification(total, 0, null, null, files.size());
    }

    /**
     * What is wrong with line {@code n} ({@code name}: " of FILE" when the chain spans files), or null; {@code before}
     * is the previous file of the chain (null for the first).
     */
    private static String checkLine(byte[] bytes, long n, String expectedPrev, String name, Path before) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        String at = "line " + n + name;
        if (text.isBlank()) {
            return at + " is empty (lines are never blank)";
        }
        if (bytes.length < SUFFIX_LEN + 2
                || !text.endsWith("\"}")
                || !text.regionMatches(text.length() - SUFFIX_LEN, HASH_KEY, 0, HASH_KEY.length())) {
            return at + " has no hash at its end (it was edited or written by something else)";
        }
        byte[] body = java.util.Arrays.copyOf(bytes, bytes.length - SUFFIX_LEN);
        String claimed = text.substring(text.length() - 66, text.length() - 2);
        if (!claimed.equals(Sha256.hex(body))) {
            return at + " does not match its hash (the line was edited after it was written)";
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (IOException e) {
            return at + " is not valid JSON";
        }
        JsonNode prev = node.get("prev");
        if (prev == null || !prev.isTextual()) {
            return at + " has no prev hash";
        }
        if (!prev.asText().equals(expectedPrev)) {
            if (n > 1) {
                return at + " does not follow line " + (n - 1) + " (prev hash differs: line " + (n - 1)
                        + " was altered, or lines were removed or inserted between them)";
            }
            JsonNode previousFile = node.path("parameters").path("previous_file");
            if (before == null && "audit.rotate".equals(node.path("action").asText()) && previousFile.isTextual()) {
                return at + " continues " + previousFile.asText() + ", which is missing (rotated files must be kept for the"
                        + " chain to verify)";
            }
            if (before == null) {
                return at + " does not start the chain (its prev is not the genesis hash: lines were removed from the start)";
            }
            return at + " does not continue " + before.getFileName() + " (its prev is not the hash of that file's last"
                    + " line: a file between them is missing, or that file was altered at its end)";
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

    /** Visits the lines of the rotated files and the current one, oldest first; numbers count across files. */
    private void forEachLine(LineVisitor v) {
        long n = 0;
        for (Path f : files()) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(f))) {
                byte[] line;
                while ((line = readLine(in)) != null) {
                    n++;
                    int len = line[line.length - 1] == '\n' ? line.length - 1 : line.length;
                    String text = new String(line, 0, len, StandardCharsets.UTF_8);
                    if (!text.isBlank()) {
                        v.visit(n, text);
                    }
                }
            } catch (NoSuchFileException e) {
                // no log yet (or removed meanwhile): nothing to read
            } catch (IOException e) {
                throw new UserError("cannot read the audit log " + f + ": " + e.getMessage(), e);
            }
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
        time.addSerializer(Instant.class, Instants.JSON_SERIALIZER);
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
