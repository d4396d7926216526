package dev.fleetroll.sandbox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The machine-wide registry of sandbox fleets under {@code /run/fleetroll-sandbox/}: one JSON record per slot
 * ({@code slot-NNN.json}), guarded by a file lock so that fleets started at the same time by different processes
 * (several engineers' tests, parallel test runs) never get the same slot, and so the addresses {@code 127.SLOT.X.Y}
 * never collide. It also lists the mount points the sandbox had to create on the real root ({@code created-paths}),
 * which are removed only when no fleet is left. {@code /run} is cleared at boot, and so is the registry.
 */
final class SlotRegistry {
    static final Path DEFAULT_DIR = Path.of("/run/fleetroll-sandbox");
    /** FileChannel locks are per process; this serialises the threads of one JVM. */
    private static final ReentrantLock JVM_LOCK = new ReentrantLock();
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One fleet.
     *
     * @param ownerPid the process that ran {@code up}; with {@code ownerStart} (its start time in clock ticks) it
     *     tells a live owner from a reused pid
     * @param pgid the process group of every supervisor, init and sshd of the fleet (0 before launch)
     * @param state {@code starting} or {@code up}
     */
    record Slot(int slot, String dir, String runtime, String fleetrollHome, long ownerPid, long ownerStart,
                boolean tiedToOwner, long pgid, String state, String created, int hosts) {
        Slot withPgid(long p) {
            return new Slot(slot, dir, runtime, fleetrollHome, ownerPid, ownerStart, tiedToOwner, p, state, created, hosts);
        }

        Slot withState(String s) {
            return new Slot(slot, dir, runtime, fleetrollHome, ownerPid, ownerStart, tiedToOwner, pgid, s, created, hosts);
        }

        Path runtimePath() {
            return runtime == null ? null : Path.of(runtime);
        }

        boolean ownerAlive() {
            Procs.Proc p = Procs.stat(ownerPid);
            return p != null && p.startTicks() == ownerStart && p.state() != 'Z';
        }
    }

    private final Path dir;

    SlotRegistry(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** Runs {@code body} holding the registry lock (machine-wide and JVM-wide). */
    <T> T locked(Supplier<T> body) {
        JVM_LOCK.lock();
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                return body.get();
            }
        } catch (IOException e) {
            throw new SandboxException("cannot lock the sandbox registry " + dir + ": " + e.getMessage(), e);
        } finally {
            JVM_LOCK.unlock();
        }
    }

    List<Slot> slots() {
        List<Slot> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "slot-*.json")) {
            for (Path p : ds) {
                try {
                    out.add(JSON.readValue(p.toFile(), Slot.class));
                } catch (IOException e) {
                    // a torn or foreign file: ignore it rather than block every sandbox on the machine
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(java.util.Comparator.comparingInt(Slot::slot));
        return out;
    }

    void put(Slot s) {
        Path target = file(s.slot());
        Path tmp = dir.resolve(".slot-" + s.slot() + ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), s);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SandboxException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    void remove(int slot) {
        try {
            Files.deleteIfExists(file(slot));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(int slot) {
        return dir.resolve(String.format("slot-%03d.json", slot));
    }

    /** Paths on the real root that a sandbox created as mount points (to remove when the last fleet goes). */
    Set<String> createdPaths() {
        Path f = dir.resolve("created-paths");
        try {
            return Files.exists(f) ? new LinkedHashSet<>(Files.readAllLines(f)) : new LinkedHashSet<>();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void setCreatedPaths(Set<String> paths) {
        Path f = dir.resolve("created-paths");
        try {
            if (paths.isEmpty()) {
                Files.deleteIfExists(f);
            } else {
                Files.write(f, paths);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T fromJson(Path file, Class<T> type) throws IOException {
        return JSON.readValue(file.toFile(), type);
    }

    static ObjectMapper json() {
        return JSON;
    }
}
