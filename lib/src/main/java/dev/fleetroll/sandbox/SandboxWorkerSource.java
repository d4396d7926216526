package dev.fleetroll.sandbox;

import dev.fleetroll.config.ConfigLoader;
import dev.fleetroll.puppet.OverrideFile;
import dev.fleetroll.standin.StandInTask;
import dev.fleetroll.standin.StandInWorker;
import dev.fleetroll.standin.WorkerSource;
import dev.fleetroll.taskcluster.PoolMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hosts of a sandbox as Taskcluster workers, for the Taskcluster stand-in that {@code sandbox up} runs. Read
 * afresh from the sandbox's files on every call, so reboots, halts, puppet runs and overrides written by fleetroll
 * show at once:
 *
 * <ul>
 *   <li>workerId: the host's short name; workerGroup {@value #WORKER_GROUP};
 *   <li>pool: its role ({@code /etc/puppet_role}) through the role table of the built-in configuration, unless its
 *       override sets {@code WORKER_TYPE_OVERRIDE} (as {@code gather-tc} maps hosts); hosts without a pool are in none;
 *   <li>state {@code running} while the host's init runs, {@code stopped} otherwise (rebooting, halted, down);
 *   <li>lastDateActive: the newer of its boot ({@code run/booted}) and its last puppet run (its metadata file's
 *       modification time); it never goes back, also while the host is down and those files are gone;
 *   <li>latest task: one synthetic task per boot (id derived from host and boot count), run 0 {@code running}
 *       since the boot or the last puppet run, {@code exception} once the host stopped.
 * </ul>
 *
 * Thread-safe: the stand-in calls it from several request threads at once.
 */
public final class SandboxWorkerSource implements WorkerSource {
    public static final String WORKER_GROUP = "sandbox";

    private final Path dir;
    private final PoolMap pools;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Map<String, String> hostOfTask = new ConcurrentHashMap<>();
    private volatile Loaded loaded;

    /** What was seen of a host before: keeps lastDateActive from going back and dates a stop. */
    private record Seen(Instant lastActive, Instant started, int boots, Instant stoppedAt) {}

    /** state.json as last read, with the modification time it had then. */
    private record Loaded(FileTime modified, SandboxState state, SandboxLayout layout, Instant created) {}

    /** One host as a worker right now. */
    record HostWorker(SandboxHost host, String provisionerId, String workerType, boolean running, int boots,
                      Instant lastActive, Instant started, Instant stoppedAt, Instant firstClaim) {
        String taskId() {
            return SandboxWorkerSource.taskId(host.name(), boots);
        }
    }

    public SandboxWorkerSource(Path sandboxDir, PoolMap pools) {
        this.dir = sandboxDir.toAbsolutePath().normalize();
        this.pools = pools;
    }

    /** The workers of the sandbox in {@code sandboxDir}, in the pools of the built-in role table. */
    public static SandboxWorkerSource open(Path sandboxDir) {
        return new SandboxWorkerSource(sandboxDir, PoolMap.of(ConfigLoader.builtIn().taskcluster()));
    }

    @Override
    public List<StandInWorker> workers(String provisionerId, String workerType) {
        Loaded l = load();
        List<StandInWorker> out = new ArrayList<>();
        for (SandboxHost h : l.state().hosts()) {
            HostWorker w = look(l, h);
            if (w != null && provisionerId.equals(w.provisionerId()) && workerType.equals(w.workerType())) {
                out.add(worker(w));
            }
        }
        return out;
    }

    @Override
    public Optional<StandInTask> task(String taskId) {
        Loaded l = load();
        String name = hostOfTask.get(taskId);
        if (name == null) {
            for (SandboxHost h : l.state().hosts()) { // a task asked for before its worker was listed
                Long boots = RunningSandbox.readPid(l.layout().host(h.name()).resolve("boots"));
                hostOfTask.put(taskId(h.name(), boots == null ? 0 : boots.intValue()), h.name());
            }
            name = hostOfTask.get(taskId);
        }
        if (name == null) {
            return Optional.empty();
        }
        String n = name;
        SandboxHost h = l.state().hosts().stream().filter(x -> x.name().equals(n)).findFirst().orElse(null);
        HostWorker w = h == null ? null : look(l, h);
        if (w == null || !w.taskId().equals(taskId)) {
            return Optional.empty(); // a task of an earlier boot: the source keeps only the latest
        }
        StandInTask.Run run = new StandInTask.Run(0, w.running() ? "running" : "exception", w.started(),
                w.running() ? null : w.stoppedAt(), WORKER_GROUP, h.name());
        return Optional.of(new StandInTask(taskId, List.of(run)));
    }

    private StandInWorker worker(HostWorker w) {
        List<StandInWorker.TaskRef> tasks = w.boots() > 0 ? List.of(new StandInWorker.TaskRef(w.taskId(), 0)) : List.of();
        return new StandInWorker(WORKER_GROUP, w.host().name(), w.running() ? "running" : "stopped", 1, null,
                w.firstClaim(), w.lastActive(), null, tasks);
    }

    /** The host as a worker now; null when it is in no pool. */
    private HostWorker look(Loaded l, SandboxHost h) {
        Path d = l.layout().host(h.name());
        String role = firstLine(hostFile(d, HostOs.ROLE_PATH));
        String override = hostFile(d, h.overridePath());
        String workerType = override == null ? null : OverrideFile.parse(override).settings().workerType();
        PoolMap.Mapping m = pools.map(role, workerType);
        if (!m.mapped()) {
            return null;
        }
        Instant booted = mtime(d.resolve("run/booted"));
        Instant puppet = mtime(d.resolve(h.metadataPath().substring(1)));
        Long init = RunningSandbox.readPid(d.resolve("run/init.pid"));
        boolean running = init != null && Procs.alive(init) && !Files.exists(d.resolve("halted"));
        Long b = RunningSandbox.readPid(d.resolve("boots"));
        int boots = b == null ? 0 : b.intValue();
        Instant now = Instant.now();
        Seen s = seen.compute(h.name(), (k, old) -> {
            Instant active = latest(latest(booted, puppet), old == null ? null : old.lastActive());
            // the task of this boot runs since the boot, or since the last puppet run of this boot
            Instant started = booted == null ? null : latest(booted, puppet);
            if (started == null && old != null && old.boots() == boots) {
                started = old.started();
            }
            Instant stoppedAt = running ? null : old != null && old.stoppedAt() != null ? old.stoppedAt()
                    : Optional.ofNullable(mtime(d.resolve("halted"))).orElse(now);
            return new Seen(active, started, boots, stoppedAt);
        });
        hostOfTask.put(taskId(h.name(), boots), h.name());
        return new HostWorker(h, m.pool().provisionerId(), m.pool().workerType(), running, boots, s.lastActive(),
                s.started(), s.stoppedAt(), l.created());
    }

    /**
     * A Taskcluster-style task id (22 characters of URL-safe base64, first bit clear, as slugids are) derived from the
     * host and its boot count: the same within a boot, a new one after each reboot.
     */
    static String taskId(String host, int boots) {
        byte[] b = toBytes(UUID.nameUUIDFromBytes(("fleetroll-sandbox-task/" + host + "/" + boots)
                .getBytes(StandardCharsets.UTF_8)));
        b[0] &= 0x7f;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] toBytes(UUID u) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (u.getMostSignificantBits() >>> (56 - 8 * i));
            b[8 + i] = (byte) (u.getLeastSignificantBits() >>> (56 - 8 * i));
        }
        return b;
    }

    /** state.json, read again only when it changed. */
    private Loaded load() {
        Path file = dir.resolve("state.json");
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new SandboxException("no sandbox in " + dir + " (cannot read " + file + ": " + e.getMessage() + ")", e);
        }
        Loaded l = loaded;
        if (l != null && l.modified().equals(modified)) {
            return l;
        }
        SandboxState s = RunningSandbox.readState(dir)
                .orElseThrow(() -> new SandboxException("no sandbox in " + dir + " (" + file + " is gone)"));
        Instant created;
        try {
            created = Instant.parse(s.created());
        } catch (RuntimeException e) {
            created = null;
        }
        l = new Loaded(modified, s, new SandboxLayout(dir, Sandbox.runtimeOf(s)), created);
        loaded = l;
        return l;
    }

    /**
     * A file as the host sees it: its own layer's copy when it has one (a whiteout there means deleted), else the
     * machine's (the layer below); null when neither has a regular file.
     */
    private static String hostFile(Path hostDir, String path) {
        Path upper = hostDir.resolve(path.substring(1));
        Path file = Files.exists(upper, LinkOption.NOFOLLOW_LINKS) ? upper : Path.of(path);
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        } catch (IOException | RuntimeException e) {
            return null; // replaced or unreadable while we looked
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return null;
        }
        String line = text.lines().findFirst().orElse("").strip();
        return line.isEmpty() ? null : line;
    }

    private static Instant mtime(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).lastModifiedTime().toInstant();
        } catch (IOException e) {
            return null;
        }
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    @Override
    public String toString() {
        return "SandboxWorkerSource[" + dir + "]";
    }
}
