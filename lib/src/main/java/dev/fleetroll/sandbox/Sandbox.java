package dev.fleetroll.sandbox;

import dev.fleetroll.UserError;
import dev.fleetroll.config.FleetrollHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox fleet: N real OpenSSH hosts on this machine, each an {@code sshd} in its own mount, UTS, PID and time
 * namespaces on its own loopback address, with its own hostname, uptime, role, override, vault, puppet run metadata
 * and generic-worker. It backs the demo, the integration tests and rollout rehearsals. See docs/sandbox.md.
 *
 * <p>Linux and root only ({@link #unsupportedReason()}). Several fleets can run at once (one per FLEETROLL_HOME):
 * each gets a slot from a machine-wide registry and the addresses {@code 127.SLOT.X.Y}. {@link #up} replaces the
 * home's existing fleet; {@link #down} removes every process and file of it, also after a crash.
 */
public final class Sandbox {
    private static final Logger log = LoggerFactory.getLogger(Sandbox.class);
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/+@-]*");
    private static final List<String> FORBIDDEN = List.of("/etc", "/usr", "/run", "/var/log", "/var/root", "/opt",
            "/proc", "/sys", "/dev", "/bin", "/sbin", "/lib", "/boot");

    /** How long booting hosts may show no sign of life at all before {@code up} gives up on them. */
    static final Duration BOOT_STALL = Duration.ofSeconds(60);
    private static final SlotRegistry registry = new SlotRegistry(SlotRegistry.DEFAULT_DIR);

    private Sandbox() {}

    /** Null when sandboxes can run here; otherwise one sentence saying why not. */
    public static String unsupportedReason() {
        return unsupportedReason(System.getProperty("os.name", "unknown"), uid());
    }

    static String unsupportedReason(String osName, long uid) {
        String lead = "the sandbox needs Linux and root (it starts sshd processes in namespaces)";
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return lead + "; this machine runs " + osName + ", so nothing was started";
        }
        if (uid != 0) {
            return lead + "; you are uid " + uid + ", so nothing was started (run it as root, e.g. with sudo)";
        }
        return null;
    }

    /**
     * Throws a {@link UserError} (one sentence) unless this machine can run a sandbox: Linux and root. The programs
     * a sandbox needs are checked, and installed when missing, by {@link #up}; {@code status}, {@code down} and the
     * fault knobs work on a fleet that is already there.
     */
    public static void requireSupported() {
        String why = unsupportedReason();
        if (why != null) {
            throw new UserError(why);
        }
    }

    /**
     * {@link #requireSupported()}, then installs what a sandbox needs ({@link Prerequisite#SANDBOX}, and sudo when the
     * hosts log in as a non-root user) when it is missing, or throws one sentence saying what to do.
     */
    static void prepare(SandboxSpec spec, SandboxProgress progress) {
        requireSupported();
        EnumSet<Prerequisite> needs = EnumSet.copyOf(Prerequisite.SANDBOX);
        if (spec.loginUser() != null) {
            needs.add(Prerequisite.SUDO);
        }
        if (spec.bmc()) {
            needs.addAll(Prerequisite.BMC);
        }
        PackageInstaller.system().ensure(needs, "the sandbox", progress);
    }

    static long uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    static Path which(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String d : (path + ":/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static SlotRegistry registry() {
        return registry;
    }

    public static RunningSandbox up(SandboxSpec spec) {
        return up(spec, SandboxProgress.NONE);
    }

    /**
     * Starts the fleet described by {@code spec}, replacing the home's (or the directory's) existing sandbox, and
     * returns when every host answers on port 22 and has finished its first boot. On failure nothing is left behind.
     */
    public static RunningSandbox up(SandboxSpec spec, SandboxProgress progress) {
        prepare(spec, progress);
        long t0 = System.nanoTime();
        Path dir = spec.sandboxDir();
        checkDir(dir);
        FleetrollHome home = spec.home();
        Set<String> listeners = Procs.tcpListeners();
        if (listeners.contains("0.0.0.0:22")) {
            throw new UserError("a program listens on 0.0.0.0:22 (probably the system sshd), which blocks every sandbox"
                    + " address 127.x.y.z:22; make it listen on specific addresses (ListenAddress) or stop it");
        }
        boolean mac = spec.hosts().stream().anyMatch(h -> h.os() == HostOs.MACOS);
        SlotRegistry reg = registry;
        progress.update("allocating a slot", 0, 0);
        SlotRegistry.Slot slot = reg.locked(() -> {
            reapStaleLocked(reg);
            for (SlotRegistry.Slot s : reg.slots()) {
                if (s.dir().equals(dir.toString()) || s.fleetrollHome().equals(home.dir().toString())) {
                    log.info("replacing the sandbox in {} (slot {})", s.dir(), s.slot());
                    Teardown.run(Path.of(s.dir()), s.runtimePath(), s.pgid(), new FleetrollHome(Path.of(s.fleetrollHome())),
                            s.slot(), s.hosts());
                    reg.remove(s.slot());
                }
            }
            replaceUnregistered(dir, home);
            int n = freeSlot(reg.slots(), spec.hosts(), Procs.tcpListeners());
            Procs.Proc me = Procs.stat(ProcessHandle.current().pid());
            SlotRegistry.Slot s = new SlotRegistry.Slot(n, dir.toString(), runtimeFor(dir, n).toString(), home.dir().toString(),
                    me.pid(), me.startTicks(), spec.tiedToOwner(), 0, "starting", Instant.now().toString(), spec.hosts().size());
            reg.put(s);
            if (mac) {
                createMountPoint(reg, Path.of("/var/root"));
            }
            return s;
        });
        try {
            return build(spec, dir, slot, reg, progress, t0);
        } catch (RuntimeException | Error e) {
            try {
                reg.locked(() -> {
                    Teardown.run(dir, slot.runtimePath(), currentPgid(reg, slot.slot()), home, slot.slot(), spec.hosts().size());
                    reg.remove(slot.slot());
                    removeCreatedPathsIfIdle(reg);
                    return null;
                });
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static long currentPgid(SlotRegistry reg, int slot) {
        return reg.slots().stream().filter(s -> s.slot() == slot).mapToLong(SlotRegistry.Slot::pgid).findFirst().orElse(0);
    }

    private static RunningSandbox build(SandboxSpec spec, Path dir, SlotRegistry.Slot slot, SlotRegistry reg,
                                        SandboxProgress progress, long t0) {
        int n = spec.hosts().size();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("cannot create the sandbox directory " + dir + ": " + e.getMessage());
        }
        SandboxLayout layout = new SandboxLayout(dir, slot.runtimePath());
        // a runtime directory left by a fleet whose record was lost would leak its first-boot markers into ours
        Teardown.delete(layout.runtime(), new ArrayList<>());
        try {
            try {
                Files.createDirectories(layout.hosts());
            } catch (java.nio.file.NoSuchFileException e) {
                Files.createDirectories(layout.hosts()); // a teardown removed the shared parent meanwhile
            }
        } catch (IOException e) {
            throw new SandboxException("cannot create " + layout.hosts() + ": " + e.getMessage(), e);
        }
        Provisioner prov = new Provisioner(layout, spec, slot.slot());
        progress.update("writing host files", 0, n);
        List<SandboxHost> hosts;
        try {
            prov.installShared();
            hosts = spec.hosts().parallelStream().map(prov::prepareHost).toList();
            prov.makeWhiteouts();
            prov.writeClientSide(hosts, spec.home());
        } catch (IOException e) {
            throw new UncheckedIOException("writing the sandbox in " + dir + ": " + e.getMessage(), e);
        }
        SandboxServices services = SandboxServices.of(spec, slot.slot());
        SandboxState state = new SandboxState(SandboxState.VERSION, slot.slot(), dir.toString(), layout.runtime().toString(),
                spec.home().dir().toString(),
                Instant.now().toString(), 0, spec.loginUser(), spec.puppetOnBoot(), spec.tiedToOwner(), hosts,
                services == null ? null : services.taskclusterRootUrl(), services == null ? null : services.githubApiUrl());
        RunningSandbox.writeState(layout, state);

        checkBindable(hosts.get(0).address());
        List<String> launch = new ArrayList<>(List.of("setsid", "/bin/sh", layout.lib().resolve("launch.sh").toString(),
                layout.launchList().toString()));
        if (services != null) {
            services.checkBindable();
            try {
                services.writeScript(layout);
            } catch (IOException e) {
                throw new UncheckedIOException("writing the sandbox's stand-in script: " + e.getMessage(), e);
            }
            launch.addAll(List.of(layout.servicesScript().toString(), layout.servicesLog().toString()));
        }
        SandboxBmc bmc = SandboxBmc.of(spec, slot.slot());
        if (bmc != null) {
            bmc.checkBindable(hosts);
            launch.addAll(List.of(SandboxBmc.script(dir).toString(), SandboxBmc.log(dir).toString()));
        }
        progress.update("starting hosts", 0, n);
        long machineUptime = (long) Procs.machineUptime();
        StringBuilder list = new StringBuilder();
        for (SandboxHost h : hosts) {
            list.append(layout.host(h.name())).append(' ').append(h.name()).append(' ')
                    .append(h.uptimeSeconds() - machineUptime).append('\n');
        }
        try {
            Files.writeString(layout.launchList(), list);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // launch.sh forks a supervisor per host and exits; on a loaded machine 1,000 forks took longer than two
        // minutes (bench/gather-fanout.sh 1000), so the ceiling grows with the fleet
        CommandResult launched = Exec.check(launch, java.util.Map.of(), dir, null,
                Duration.ofSeconds(120).plusMillis(250L * n));
        long pgid = Long.parseLong(launched.stdout().lines().findFirst().orElse("0").trim());
        state = state.withPgid(pgid);
        RunningSandbox.writeState(layout, state);
        reg.locked(() -> {
            reg.put(slot.withPgid(pgid));
            return null;
        });

        waitUntilBooted(layout, hosts, progress, BOOT_STALL);
        if (services != null) {
            progress.update("starting the Taskcluster and GitHub stand-ins", 0, 0);
            SandboxServices.awaitReady(layout.servicesReady(), layout.servicesPid(), layout.servicesLog(), BOOT_STALL);
        }
        if (bmc != null) {
            progress.update("starting the BMCs and the PDU", 0, 0);
            bmc.awaitReady(dir, hosts, BOOT_STALL);
        }

        List<SandboxHost> withMetadata = new ArrayList<>();
        for (SandboxHost h : hosts) {
            withMetadata.add(h.withMetadata(readMetadata(layout, h)));
        }
        state = state.withHosts(withMetadata);
        RunningSandbox.writeState(layout, state);
        reg.locked(() -> {
            reg.put(slot.withPgid(pgid).withState("up"));
            return null;
        });
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        log.info("sandbox up: {} hosts in slot {} in {} ms", n, slot.slot(), took.toMillis());
        return new RunningSandbox(layout, state, took);
    }

    /**
     * Waits until every host listens on port 22 and has finished its boot (first puppet run included). A slow boot
     * is waited for as long as the sandbox shows {@linkplain SignOfLife signs of life}; only {@code stall} without
     * any fails (a busy machine makes boots slow, and a fixed budget then fails healthy hosts).
     */
    private static void waitUntilBooted(SandboxLayout layout, List<SandboxHost> hosts, SandboxProgress progress,
                                        Duration stall) {
        List<SandboxHost> pending = new ArrayList<>(hosts);
        StallClock clock = new StallClock(stall);
        long nextLook = 0;
        while (!pending.isEmpty()) {
            Set<String> listeners = Procs.tcpListeners();
            for (var it = pending.iterator(); it.hasNext(); ) {
                SandboxHost h = it.next();
                Path dir = layout.host(h.name());
                if (listeners.contains(h.address() + ":22") && Files.exists(dir.resolve("run/booted"))) {
                    it.remove();
                } else if (Files.exists(dir.resolve("boot-failed"))) {
                    throw new SandboxException("sandbox host " + h.name() + " did not boot: " + tail(dir.resolve("console.log"))
                            + " (log: " + dir.resolve("console.log") + ")");
                }
            }
            progress.update("booting hosts", hosts.size() - pending.size(), hosts.size());
            if (pending.isEmpty()) {
                break;
            }
            long now = System.nanoTime();
            if (now - nextLook >= 0) {
                nextLook = now + LOOK_EVERY_NANOS;
                if (clock.stalled(SignOfLife.of(layout, pending), now)) {
                    SandboxHost h = pending.get(0);
                    Path dir = layout.host(h.name());
                    throw new SandboxException(pending.size() + " sandbox hosts stopped booting (none came up, wrote a log line"
                            + " or used CPU time for " + clock.quietSeconds(now) + " s), e.g. " + h.name() + ": "
                            + tail(dir.resolve("console.log")) + " / " + tail(dir.resolve("sshd.log")) + " (logs in " + dir + ")");
                }
            }
            Teardown.sleep(50);
        }
    }

    /** How often a wait for hosts computes a {@link SignOfLife} (it reads all of /proc). */
    static final long LOOK_EVERY_NANOS = Duration.ofMillis(500).toNanos();

    /**
     * Where the hosts' own files go: tmpfs ({@code /dev/shm/fleetroll-sandbox/SLOT-...}) when the machine has one,
     * else {@code DIR/runtime}.
     */
    static Path runtimeFor(Path dir, int slot) {
        Path shm = Path.of("/dev/shm");
        try {
            if (Files.isDirectory(shm) && Files.isWritable(shm) && Files.getFileStore(shm).type().equals("tmpfs")) {
                String tag = Integer.toHexString(dir.toString().hashCode() & 0x7fffffff);
                return shm.resolve("fleetroll-sandbox").resolve(String.format("%03d-%s", slot, tag));
            }
        } catch (IOException e) {
            // no usable tmpfs
        }
        return dir.resolve("runtime");
    }

    static String readMetadata(SandboxLayout layout, SandboxHost h) {
        Path upper = layout.host(h.name()).resolve(h.metadataPath().substring(1));
        try {
            return Files.exists(upper) ? Files.readString(upper) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "(empty log)" : String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void checkDir(Path dir) {
        String s = dir.toString();
        if (!SAFE_PATH.matcher(s).matches()) {
            throw new UserError("sandbox directory '" + s + "' may only contain letters, digits and . _ / + @ -"
                    + " (it is written into mount tables); choose another --dir");
        }
        if (s.equals("/")) {
            throw new UserError("the sandbox directory cannot be /");
        }
        for (String f : FORBIDDEN) {
            if (s.equals(f) || s.startsWith(f + "/")) {
                throw new UserError("the sandbox directory cannot be under " + f + " (sandbox hosts mount their own " + f
                        + "); choose another --dir");
            }
        }
    }

    private static void checkBindable(String address) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, 22));
        } catch (IOException e) {
            throw new UserError("cannot listen on " + address + ":22 (" + e.getMessage() + "); is a system sshd listening"
                    + " on every address ([::]:22 or 0.0.0.0:22)? Make it listen on specific addresses or stop it");
        }
    }

    /** A directory with a sandbox but no registry record (registry lost), or one that is not a sandbox at all. */
    private static void replaceUnregistered(Path dir, FleetrollHome home) {
        Optional<SandboxState> existing = RunningSandbox.readState(dir);
        if (existing.isPresent()) {
            SandboxState s = existing.get();
            Teardown.run(dir, runtimeOf(s), s.pgid(), home, null, 0);
        } else if (Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new UserError(dir + " exists and is not a fleetroll sandbox; choose an empty or new directory");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // a sandbox of this home in another directory that the registry forgot
        Path dropIn = SandboxLayout.dropIn(home);
        Optional<Path> other = dirFromDropIn(home);
        if (other.isPresent() && !other.get().equals(dir)) {
            Optional<SandboxState> o = RunningSandbox.readState(other.get());
            if (o.isPresent()) {
                Teardown.run(other.get(), runtimeOf(o.get()), o.get().pgid(), home, null, 0);
            } else if (Files.exists(dropIn) && !Files.exists(other.get())) {
                Teardown.run(other.get(), null, 0, home, null, 0);
            }
        }
    }

    private static int freeSlot(List<SlotRegistry.Slot> slots, List<HostPlan> hosts, Set<String> listeners) {
        Set<Integer> used = new HashSet<>();
        slots.forEach(s -> used.add(s.slot()));
        for (int s = 0; s <= 254; s++) {
            if (used.contains(s)) {
                continue;
            }
            final int slot = s;
            boolean busy = hosts.stream().anyMatch(h -> listeners.contains(FleetPlan.address(slot, h.index()) + ":22"));
            if (!busy) {
                return s;
            }
        }
        throw new SandboxException("no free sandbox slot: 255 fleets are registered in " + registry.dir());
    }

    private static void createMountPoint(SlotRegistry reg, Path p) {
        if (Files.exists(p)) {
            return;
        }
        try {
            Files.createDirectories(p);
            Set<String> created = reg.createdPaths();
            created.add(p.toString());
            reg.setCreatedPaths(created);
            log.info("created mount point {} (removed when the last sandbox goes down)", p);
        } catch (IOException e) {
            throw new SandboxException("cannot create mount point " + p + ": " + e.getMessage(), e);
        }
    }

    /** Removes the mount points sandboxes created once no fleet is registered (removing one detaches it everywhere). */
    private static List<Path> removeCreatedPathsIfIdle(SlotRegistry reg) {
        List<Path> removed = new ArrayList<>();
        if (!reg.slots().isEmpty()) {
            return removed;
        }
        Set<String> left = new HashSet<>();
        for (String p : reg.createdPaths()) {
            try {
                Files.deleteIfExists(Path.of(p));
                removed.add(Path.of(p));
            } catch (IOException e) {
                left.add(p); // not empty any more: someone else uses it now
            }
        }
        reg.setCreatedPaths(new java.util.LinkedHashSet<>(left));
        return removed;
    }

    /** The sandbox of {@code home}: its registry record, else {@code home/sandbox}, else the dir its drop-in names. */
    public static Optional<RunningSandbox> find(FleetrollHome home) {
        return findDir(home).flatMap(Sandbox::open);
    }

    /** Attaches to the sandbox in {@code dir}, if there is one. */
    public static Optional<RunningSandbox> open(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        return RunningSandbox.readState(d).map(s -> new RunningSandbox(new SandboxLayout(d, runtimeOf(s)), s, null));
    }

    static Path runtimeOf(SandboxState s) {
        return s.runtime() == null ? null : Path.of(s.runtime());
    }

    private static Optional<Path> findDir(FleetrollHome home) {
        for (SlotRegistry.Slot s : registry.slots()) {
            if (s.fleetrollHome().equals(home.dir().toString())) {
                return Optional.of(Path.of(s.dir()));
            }
        }
        if (Files.exists(home.sandbox().resolve("state.json"))) {
            return Optional.of(home.sandbox());
        }
        return dirFromDropIn(home);
    }

    private static Optional<Path> dirFromDropIn(FleetrollHome home) {
        Path dropIn = SandboxLayout.dropIn(home);
        try {
            if (Files.isRegularFile(dropIn)) {
                for (String line : Files.readAllLines(dropIn)) {
                    String t = line.strip();
                    if (t.startsWith("config_file:") && t.endsWith("/ssh_config")) {
                        return Optional.of(Path.of(t.substring("config_file:".length()).strip()).getParent());
                    }
                }
            }
        } catch (IOException e) {
            // unreadable: no sandbox found through it
        }
        return Optional.empty();
    }

    /**
     * Stops the sandbox of {@code home} (or the one in {@code dir} when given) and removes its processes, files,
     * host list, config drop-in and slot. Works from whatever is left after a crash.
     */
    public static DownReport down(FleetrollHome home, Path dir) {
        requireSupported();
        SlotRegistry reg = registry;
        return reg.locked(() -> {
            Path d = dir != null ? dir.toAbsolutePath().normalize() : findDir(home).orElse(null);
            if (d == null) {
                return DownReport.nothing(home.sandbox());
            }
            SlotRegistry.Slot record = reg.slots().stream().filter(s -> s.dir().equals(d.toString())).findFirst().orElse(null);
            Optional<SandboxState> state = RunningSandbox.readState(d);
            if (record == null && state.isEmpty() && !Files.exists(SandboxLayout.dropIn(home))) {
                return DownReport.nothing(d);
            }
            long pgid = record != null && record.pgid() > 0 ? record.pgid() : state.map(SandboxState::pgid).orElse(0L);
            FleetrollHome h = record != null ? new FleetrollHome(Path.of(record.fleetrollHome()))
                    : state.map(s -> new FleetrollHome(Path.of(s.home()))).orElse(home);
            int hosts = state.map(s -> s.hosts().size()).orElse(record != null ? record.hosts() : 0);
            Path runtime = record != null && record.runtime() != null ? record.runtimePath() : state.map(Sandbox::runtimeOf).orElse(null);
            DownReport report = Teardown.run(d, runtime, pgid, h,
                    record != null ? record.slot() : state.map(SandboxState::slot).orElse(null), hosts);
            if (record != null) {
                reg.remove(record.slot());
            }
            List<Path> removed = new ArrayList<>(report.removed());
            removed.addAll(removeCreatedPathsIfIdle(reg));
            return new DownReport(true, d, report.slot(), hosts, report.processesKilled(), report.elapsed(), removed);
        });
    }

    /**
     * The directory of a sandbox of {@code home} that is still registered but whose files are gone (deleted while
     * it ran); {@link #down} removes what is left of it.
     */
    public static Optional<Path> orphaned(FleetrollHome home) {
        for (SlotRegistry.Slot s : registry.slots()) {
            if (s.fleetrollHome().equals(home.dir().toString()) && !Files.exists(Path.of(s.dir()).resolve("state.json"))) {
                return Optional.of(Path.of(s.dir()));
            }
        }
        return Optional.empty();
    }

    /**
     * Tears down every fleet whose owner is gone when it was tied to its owner (a crashed test), or whose owner and
     * processes are both gone. Returns what it removed.
     */
    public static List<DownReport> downStale() {
        requireSupported();
        SlotRegistry reg = registry;
        return reg.locked(() -> reapStaleLocked(reg));
    }

    private static List<DownReport> reapStaleLocked(SlotRegistry reg) {
        List<DownReport> reports = new ArrayList<>();
        for (SlotRegistry.Slot s : reg.slots()) {
            boolean ownerAlive = s.ownerAlive();
            boolean fleetAlive = Teardown.groupIsOurs(Path.of(s.dir()), s.pgid());
            // a fleet whose up never finished (its owner died mid-way, e.g. Ctrl-C) is stale like a dead test's
            boolean stale = !ownerAlive && (s.tiedToOwner() || !"up".equals(s.state()) || !fleetAlive);
            if (stale) {
                log.info("reaping stale sandbox in {} (slot {}, owner pid {} gone)", s.dir(), s.slot(), s.ownerPid());
                reports.add(Teardown.run(Path.of(s.dir()), s.runtimePath(), s.pgid(), new FleetrollHome(Path.of(s.fleetrollHome())),
                        s.slot(), s.hosts()));
                reg.remove(s.slot());
            }
        }
        removeCreatedPathsIfIdle(reg);
        return reports;
    }
}
