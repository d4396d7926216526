package dev.fleetroll.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Captures one command's stdout and stderr (drained concurrently by two threads), keeping at most {@code cap} bytes
 * of each in memory. When either stream passes the cap, the full output is kept in a per-host log under
 * {@code spillDir}: {@code <host>-<timestamp>.log}, holding a header, the whole stdout, then the whole stderr.
 */
final class OutputCapture {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS");
    private static final AtomicLong SEQ = new AtomicLong();

    private final String host;
    private final String command;
    private final long cap;
    private final Path spillDir;
    private final Stream out = new Stream("stdout");
    private final Stream err = new Stream("stderr");
    private Path spillFile;
    private String stamp;

    OutputCapture(String host, String command, long cap, Path spillDir) {
        this.host = host;
        this.command = command;
        this.cap = Math.max(0, cap);
        this.spillDir = spillDir;
    }

    /** Reads {@code in} to its end into stdout ({@code isErr} false) or stderr. */
    void drain(InputStream in, boolean isErr) throws IOException {
        Stream s = isErr ? err : out;
        byte[] buf = new byte[8 * 1024]; // small: one per stream of every command in flight; reads are cheap
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (n > 0) {
                s.write(buf, 0, n);
            }
        }
    }

    byte[] stdout() {
        return out.memory.toByteArray();
    }

    byte[] stderr() {
        return err.memory.toByteArray();
    }

    boolean truncated() {
        return out.total > cap || err.total > cap;
    }

    /** Assembles the spill file when the output was truncated; returns it, or null. Call once both streams ended. */
    Path finish() throws IOException {
        if (!truncated()) {
            return null;
        }
        Path target = spillPath();
        try (OutputStream o = Files.newOutputStream(createPrivate(target), StandardOpenOption.WRITE)) {
            o.write(("# fleetroll output: host " + host + ", command: " + firstLine(command) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            for (Stream s : new Stream[] {out, err}) {
                o.write(("# --- " + s.name + " (" + s.total + " bytes) ---\n").getBytes(StandardCharsets.UTF_8));
                s.memory.writeTo(o);
                if (s.part != null) {
                    s.partOut.close();
                    Files.copy(s.part, o);
                    Files.deleteIfExists(s.part);
                }
                if (s.total > 0) {
                    o.write('\n');
                }
            }
        }
        return target;
    }

    /** Removes partial files after a failure. */
    void abandon() {
        for (Stream s : new Stream[] {out, err}) {
            if (s.part != null) {
                try {
                    s.partOut.close();
                    Files.deleteIfExists(s.part);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private synchronized Path spillPath() throws IOException {
        if (spillFile == null) {
            if (!Files.isDirectory(spillDir)) {
                Files.createDirectories(spillDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            stamp = LocalDateTime.now().format(TS) + "-" + SEQ.incrementAndGet();
            spillFile = spillDir.resolve(safe(host) + "-" + stamp + ".log");
        }
        return spillFile;
    }

    /**
     * Creates {@code file} readable by its owner only: captured output can hold anything a command printed, an
     * audit's fetched vault among it.
     */
    private static Path createPrivate(Path file) throws IOException {
        return Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    private static String safe(String host) {
        return host.replaceAll("[^A-Za-z0-9._@-]", "_");
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }

    private final class Stream {
        final String name;
        final ByteArrayOutputStream memory = new ByteArrayOutputStream();
        long total;
        Path part;
        OutputStream partOut;

        Stream(String name) {
            this.name = name;
        }

        void write(byte[] b, int off, int len) throws IOException {
            long room = cap - total;
            int keep = (int) Math.max(0, Math.min(room, len));
            if (keep > 0) {
                memory.write(b, off, keep);
            }
            if (keep < len) {
                if (partOut == null) {
                    part = Path.of(spillPath() + "." + name + ".part");
                    partOut = Files.newOutputStream(createPrivate(part), StandardOpenOption.WRITE);
                }
                partOut.write(b, off + keep, len - keep);
            }
            total += len;
        }
    }
}
