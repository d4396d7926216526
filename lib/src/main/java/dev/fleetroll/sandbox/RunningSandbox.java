package dev.fleetroll.sandbox;

import dev.fleetroll.UserError;
import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.util.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A sandbox fleet that is up: what is on each host, where the client files are, and the fault knobs. Obtained from
 * {@link Sandbox#up} or attached with {@link Sandbox#find}/{@link Sandbox#open}; {@link #close()} takes it down.
 *
 * <p>Hosts are named by short name, FQDN or address. Fault knobs act on the real processes: {@link #stopSshd}
 * kills the host's sshd (connections are refused; the host stays up), {@link #tarpit} stops it with SIGSTOP (the
 * kernel still completes TCP handshakes, nothing ever speaks SSH), {@link #rekey} gives it a new host key,
 * {@link #corruptMetadata} puts garbage in its run metadata, {@link #reboot} restarts its namespaces (sshd gone for a
 * few seconds, uptime starts again).
 */
public final class RunningSandbox implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final SandboxLayout layout;
    private final SandboxState state;
    private final Duration upTime;
    private final Map<String, SandboxHost> byName = new HashMap<>();
    private final AtomicLong controlSeq = new AtomicLong(System.nanoTime() & 0xffffffffL);
    private volatile boolean closed;

    RunningSandbox(SandboxLayout layout, SandboxState state, Duration upTime) {
        this.layout = layout;
        this.state = state;
        this.upTime = upTime;
        for (SandboxHost h : state.hosts()) {
            byName.put(h.name(), h);
            byName.put(h.fqdn(), h);
            byName.put(h.address(), h);
        }
    }

    // --- what is where ---------------------------------------------------------------------------------------

    public List<SandboxHost> hosts() {
        return state.hosts();
    }

    /** The host named {@code name} (short name, FQDN or address). */
    public SandboxHost host(String name) {
        SandboxHost h = byName.get(name.toLowerCase(java.util.Locale.ROOT));
        if (h == null) {
            throw new UserError("'" + name + "' is not a host of the sandbox in " + layout.dir() + " (its hosts: "
                    + state.hosts().get(0).name() + " ... " + state.hosts().get(state.hosts().size() - 1).name() + ")");
        }
        return h;
    }

    public Path dir() {
        return layout.dir();
    }

    public FleetrollHome home() {
        return new FleetrollHome(Path.of(state.home()));
    }

    public int slot() {
        return state.slot();
    }

    /** The user ssh logs in as: root, or the sandbox's login user. */
    public String loginUser() {
        return state.loginUser() == null ? "root" : state.loginUser();
    }

    /** OpenSSH client config mapping every host's FQDN and short name to its address ({@code ssh -F}). */
    public Path sshConfig() {
        return layout.sshConfig();
    }

    public Path knownHosts() {
        return layout.knownHosts();
    }

    public Path clientKey() {
        return layout.clientKey();
    }

    /** {@code $FLEETROLL_HOME/host-lists/sandbox.list}, i.e. {@code hosts('sandbox')}. */
    public Path hostList() {
        return SandboxLayout.hostList(home());
    }

    /** {@code $FLEETROLL_HOME/config.d/50-sandbox.yaml}. */
    public Path configDropIn() {
        return SandboxLayout.dropIn(home());
    }

    /** The directory holding one host's files (its /etc layer, /root, sshd config, logs). */
    public Path hostDir(String host) {
        return layout.host(host(host).name());
    }

    /** How long {@code up} took; null when this object was attached to an existing sandbox. */
    public Duration upTime() {
        return upTime;
    }

    public PuppetRepo puppetRepo() {
        return new PuppetRepo(layout.puppet());
    }

    /** The root URL of the sandbox's Taskcluster stand-in ({@code http://127.SLOT.0.2:8080}); null when it runs none. */
    public String taskclusterRootUrl() {
        return state.taskclusterRootUrl();
    }

    /** The API URL of the sandbox's GitHub stand-in ({@code http://127.SLOT.0.2:8081}); null when it runs none. */
    public String githubApiUrl() {
        return state.githubApiUrl();
    }

    /** The base URL of the sandbox's Bugzilla stand-in ({@code http://127.SLOT.0.2:8082}); null when it runs none. */
    public String bugsUrl() {
        return state.taskclusterRootUrl() == null ? null : SandboxServices.bugsUrl(SandboxServices.address(state.slot()));
    }

    /** The file with the Bugzilla stand-in's API key ({@code bugs.credentials_file}); null when it runs none. */
    public Path bugsCredentials() {
        return state.taskclusterRootUrl() == null ? null : SandboxServices.bugsKey(layout.dir());
    }

    /** The Taskcluster credentials the sandbox's stand-in accepts ({@code taskcluster.credentials_file}); null when none. */
    public Path taskclusterCredentials() {
        return state.taskclusterRootUrl() == null ? null : layout.taskclusterCredentials();
    }

    /** The stand-ins' log (their JVM's output); null when the sandbox runs none. */
    public Path standInLog() {
        return state.taskclusterRootUrl() == null ? null : layout.servicesLog();
    }

    /** The process id of the stand-ins' JVM; null when the sandbox runs none or it has not started. */
    public Long standInPid() {
        return state.taskclusterRootUrl() == null ? null : readPid(layout.servicesPid());
    }

    // --- running commands ------------------------------------------------------------------------------------

    /** Runs {@code command} on the host with plain OpenSSH ({@code ssh -F <sshConfig>}), as the login user. */
    public CommandResult exec(String host, String command) {
        return exec(host, command, Duration.ofSeconds(30));
    }

    public CommandResult exec(SandboxHost host, String command) {
        return exec(host.name(), command);
    }

    public CommandResult exec(String host, String command, Duration timeout) {
        SandboxHost h = host(host);
        long connect = Math.max(1, Math.min(20, timeout.toSeconds()));
        return Exec.run(List.of("ssh", "-F", sshConfig().toString(), "-o", "ConnectTimeout=" + connect, h.fqdn(), command),
                Map.of(), null, timeout, null);
    }

    /**
     * Runs {@code script} with /bin/sh as root inside the host's namespaces, without SSH (so it opens no connection
     * and works while sshd is stopped). The host must be running.
     */
    public CommandResult hostShell(String host, String script) {
        return hostShell(host, script, null);
    }

    public CommandResult hostShell(String host, String script, String stdin) {
        long init = requireInit(host(host));
        return Exec.run(List.of("nsenter", "-t", Long.toString(init), "-m", "-u", "-p", "-T", "--", "/bin/sh", "-c", script),
                Map.of(), null, Duration.ofSeconds(60), stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8));
    }

    /** A file's content as the host sees it; null when it does not exist there. */
    public String readHostFile(String host, String path) {
        CommandResult r = hostShell(host, "[ -e " + Shell.quote(path) + " ] || exit 3; cat " + Shell.quote(path));
        if (r.exitCode() == 3) {
            return null;
        }
        if (!r.ok()) {
            throw new SandboxException("cannot read " + path + " on " + host + ": " + r.stderr().strip());
        }
        return r.stdout();
    }

    // --- fault knobs -----------------------------------------------------------------------------------------

    /** Kills the host's sshd: connections are refused; the host and its processes stay up. */
    public void stopSshd(String host) {
        SandboxHost h = host(host);
        control(h, "stop-sshd", "");
        awaitListening(h, false);
    }

    /** Starts the host's sshd again (after {@link #stopSshd} or {@link #rekey}). */
    public void startSshd(String host) {
        SandboxHost h = host(host);
        control(h, "start-sshd", "");
        awaitListening(h, true);
    }

    /** Freezes the host's sshd (SIGSTOP): TCP connections complete, but no SSH banner ever comes. */
    public void tarpit(String host) {
        control(host(host), "tarpit", "");
    }

    public void untarpit(String host) {
        control(host(host), "untarpit", "");
    }

    /**
     * Arms the host's receive gate: its next {@code cat} without arguments (how a write's content arrives) passes
     * {@code bytes} of its input and holds, whatever the machine's load, until {@link #releaseReceive}. From the first
     * use until the host reboots, the host's {@code cat} is a shell script in front of the real one.
     */
    public void holdReceive(String host, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
        }
        control(host(host), "hold-receive", Long.toString(bytes));
    }

    /** Whether the host's receive gate is holding a {@code cat} now. */
    public boolean receiveHeld(String host) {
        return Files.exists(layout.host(host(host).name()).resolve("run/gate/cat.held"));
    }

    /** Lets a held {@code cat} go on (or disarms a gate nothing took). */
    public void releaseReceive(String host) {
        control(host(host), "release-receive", "");
    }

    /**
     * Gives the host a new host key and restarts its sshd. The sandbox's known_hosts keeps the old key, so clients
     * see a changed host key until {@link #trustHostKey}. Returns the new public key ({@code ssh-ed25519 AAAA...}).
     */
    public String rekey(String host) {
        SandboxHost h = host(host);
        Path dir = layout.host(h.name());
        SshKeys.KeyPair key = SshKeys.ed25519("root@" + h.name());
        try {
            Path tmp = dir.resolve("ssh_host_ed25519_key.new");
            Provisioner.write(tmp, key.privateKey(), "rw-------");
            Files.move(tmp, dir.resolve("ssh_host_ed25519_key"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Provisioner.write(dir.resolve("ssh_host_ed25519_key.pub"), key.publicKey() + "\n", "rw-r--r--");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        control(h, "restart-sshd", "");
        awaitListening(h, true);
        return key.publicKeyNoComment();
    }

    /** The host's current public key ({@code ssh-ed25519 AAAA...}). */
    public String currentHostKey(String host) {
        try {
            String[] f = Files.readString(layout.host(host(host).name()).resolve("ssh_host_ed25519_key.pub")).strip().split(" ");
            return f[0] + " " + f[1];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts the host's current key into the sandbox's known_hosts (as an operator would after a verified rekey). */
    public synchronized void trustHostKey(String host) {
        SandboxHost h = host(host);
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(knownHosts()));
            String prefix = h.fqdn() + "," + h.name() + "," + h.address() + " ";
            lines.removeIf(l -> l.startsWith(prefix) || l.startsWith(h.fqdn() + " ") || l.startsWith(h.address() + " "));
            lines.add(prefix + currentHostKey(host));
            Path tmp = knownHosts().resolveSibling("known_hosts.tmp");
            Files.write(tmp, lines);
            Files.move(tmp, knownHosts(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the host's last_run_metadata.json with truncated JSON followed by bytes that are not UTF-8. */
    public void corruptMetadata(String host) {
        corruptMetadata(host, "{\"schema_version\": 1, \"ts\": \"2026-11-\u0000\u00ff\u00fe garbage");
    }

    /** Replaces the host's last_run_metadata.json with {@code content} (written as ISO-8859-1 bytes). */
    public void corruptMetadata(String host, String content) {
        SandboxHost h = host(host);
        String path = h.metadataPath();
        long init = requireInit(h);
        CommandResult r = Exec.run(List.of("nsenter", "-t", Long.toString(init), "-m", "-u", "-p", "-T", "--", "/bin/sh", "-c",
                "cat > " + Shell.quote(path)), Map.of(), null, Duration.ofSeconds(30), content.getBytes(StandardCharsets.ISO_8859_1));
        if (!r.ok()) {
            throw new SandboxException("cannot corrupt " + path + " on " + h.name() + ": " + r.stderr().strip());
        }
    }

    /** Reboots the host: down for about three seconds, then up with a fresh uptime. Returns once it is down. */
    public void reboot(String host) {
        reboot(host, Duration.ofSeconds(3));
    }

    /** Reboots the host, keeping it down for {@code down}; returns once it is down (see {@link #awaitUp}). */
    public void reboot(String host, Duration down) {
        SandboxHost h = host(host);
        long init = requireInit(h);
        control(h, "reboot", Long.toString(Math.max(0, down.toSeconds())), false);
        awaitDead(h, init);
    }

    /** Halts the host (it stays down until {@link #powerOn}). Returns once it is down. */
    public void powerOff(String host) {
        SandboxHost h = host(host);
        long init = requireInit(h);
        control(h, "halt", "", false);
        awaitDead(h, init);
    }

    public void powerOn(String host) {
        try {
            Files.writeString(layout.host(host(host).name()).resolve("power-on"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the host runs, its sshd listens and its boot (puppet, generic-worker) is done, for as long as the
     * sandbox shows {@linkplain SignOfLife signs of life}: only {@code stall} without any fails.
     */
    public void awaitUp(String host, Duration stall) {
        SandboxHost h = host(host);
        Path dir = layout.host(h.name());
        StallClock clock = new StallClock(stall);
        while (true) {
            Long init = readPid(dir.resolve("run/init.pid"));
            if (init != null && Procs.alive(init) && Files.exists(dir.resolve("run/booted"))
                    && Procs.tcpListeners().contains(h.address() + ":22")) {
                return;
            }
            if (Files.exists(dir.resolve("halted")) && !Files.exists(dir.resolve("power-on"))) {
                throw new SandboxException("sandbox host " + h.name() + " is halted: it stays down until powerOn");
            }
            awaitSignOfLife(clock, h, "come up");
        }
    }

    /** How many times the host has booted since {@code up} (1 = never rebooted). */
    public int boots(String host) {
        Long n = readPid(layout.host(host(host).name()).resolve("boots"));
        return n == null ? 0 : n.intValue();
    }

    /**
     * Waits until the host has booted at least {@code boots} times and is up (e.g. after its own reboot command), for
     * as long as the sandbox shows signs of life (a host kept down on purpose counts as one: see {@link #reboot}).
     */
    public void awaitBoots(String host, int boots, Duration stall) {
        SandboxHost h = host(host);
        StallClock clock = new StallClock(stall);
        while (boots(host) < boots) {
            awaitSignOfLife(clock, h, "reboot");
        }
        awaitUp(host, stall);
    }

    /** Sleeps a little, or fails when the sandbox has shown no sign of life for the clock's budget. */
    private void awaitSignOfLife(StallClock clock, SandboxHost h, String what) {
        long now = System.nanoTime();
        if (clock.stalled(List.of(SignOfLife.of(layout, List.of(h)), boots(h.name())), now)) {
            throw new SandboxException("sandbox host " + h.name() + " did not " + what + " (no log line, no CPU time in the"
                    + " sandbox for " + clock.quietSeconds(now) + " s; logs in " + layout.host(h.name()) + ")");
        }
        Teardown.sleep(200);
    }

    /** Makes every later puppet run on the host fail (exit 1), or stops doing so. */
    public void setPuppetFailing(String host, boolean failing) {
        Path marker = layout.host(host(host).name()).resolve("control/fail-puppet");
        try {
            if (failing) {
                Files.writeString(marker, "set by the sandbox API\n");
            } else {
                Files.deleteIfExists(marker);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes the host's own {@code reboot}, {@code shutdown}, {@code halt} and {@code poweroff} answer as usual and do
     * nothing: the host stays up and its uptime does not restart, like a host that hangs on its way down, so a reboot
     * over ssh never comes back and the reboot ladder must climb to the BMC. {@link #reboot}, the BMC and the PDU
     * still work. {@link #unhang} undoes it.
     */
    public void hang(String host) {
        try {
            Files.writeString(layout.host(host(host).name()).resolve("control/hang"), "set by the sandbox API\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void unhang(String host) {
        try {
            Files.deleteIfExists(layout.host(host(host).name()).resolve("control/hang"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The file holding the sandbox BMCs' password ({@code ipmi_password}) and its PDU's write community
     * ({@code snmp_community}), mode 0600, named by the drop-in's {@code bmc.credentials_file}; null without
     * {@code --bmc}.
     */
    public Path bmcCredentials() {
        Path p = SandboxBmc.credentials(layout.dir());
        return Files.exists(p) ? p : null;
    }

    /** The BMCs' and the PDU's log ({@code ipmi_sim}, {@code snmpd}); null without {@code --bmc}. */
    public Path bmcLog() {
        Path p = SandboxBmc.log(layout.dir());
        return Files.exists(SandboxBmc.script(layout.dir())) ? p : null;
    }

    /** How long the host stays down when it reboots itself (its reboot command); default 3 s. */
    public void setRebootDelay(String host, Duration d) {
        try {
            Files.writeString(layout.host(host(host).name()).resolve("control/reboot-delay"), d.toSeconds() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- observing -------------------------------------------------------------------------------------------

    /** Connections the host's sshd has accepted (counted from its log's "Connection from" lines, all boots). */
    public long acceptedConnections(String host) {
        Path log = layout.host(host(host).name()).resolve("sshd.log");
        try {
            if (!Files.exists(log)) {
                return 0;
            }
            try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
                return lines.filter(l -> l.contains("Connection from ")).count();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connections accepted by every host of the fleet. */
    public long acceptedConnections() {
        return state.hosts().stream().mapToLong(h -> acceptedConnections(h.name())).sum();
    }

    /** The host's own uptime now (its /proc/uptime); null when it is not running. */
    public Long uptimeSeconds(String host) {
        SandboxHost h = host(host);
        Path dir = layout.host(h.name());
        Long init = readPid(dir.resolve("run/init.pid"));
        Long offset = readPid(dir.resolve("boot-offset"));
        if (init == null || offset == null || !Procs.alive(init)) {
            return null;
        }
        return (long) Procs.machineUptime() + offset;
    }

    public SandboxStatus status() {
        List<Procs.Proc> procs = Procs.all();
        Map<Long, Procs.Proc> byPid = new HashMap<>();
        procs.forEach(p -> byPid.put(p.pid(), p));
        Set<String> listeners = Procs.tcpListeners();
        double machineUptime = Procs.machineUptime();
        List<HostStatus> hosts = new ArrayList<>();
        for (SandboxHost h : state.hosts()) {
            Path dir = layout.host(h.name());
            Long supervisor = readPid(dir.resolve("supervisor.pid"));
            Long init = readPid(dir.resolve("run/init.pid"));
            boolean initAlive = init != null && live(byPid.get(init));
            String st;
            if (supervisor == null || !live(byPid.get(supervisor))) {
                st = "down";
            } else if (Files.exists(dir.resolve("halted"))) {
                st = "halted";
            } else if (!initAlive) {
                st = "rebooting";
            } else if (!listeners.contains(h.address() + ":22")) {
                st = Files.exists(dir.resolve("run/booted")) ? "sshd-stopped" : "booting";
            } else {
                final long initPid = init;
                boolean stopped = procs.stream().anyMatch(p -> p.ppid() == initPid && p.comm().equals("sshd") && p.state() == 'T');
                st = stopped ? "tarpit" : Files.exists(dir.resolve("run/booted")) ? "up" : "booting";
            }
            Long offset = readPid(dir.resolve("boot-offset"));
            Long uptime = initAlive && offset != null ? (long) machineUptime + offset : null;
            hosts.add(new HostStatus(h, st, uptime, acceptedConnections(h.name()), Files.exists(dir.resolve("control/fail-puppet"))));
        }
        List<Long> members = fleetMembers(procs);
        return new SandboxStatus(layout.dir(), Path.of(state.home()), state.slot(), state.loginUser(), sshConfig(),
                hostList(), hosts, members.size(), Procs.pssBytes(members), hostFilesBytes());
    }

    /** Space the hosts' own files take, counted in 4 KiB pages of file data (on tmpfs that is memory). */
    public long hostFilesBytes() {
        long[] sum = {0};
        try (var files = Files.walk(layout.runtime())) {
            files.forEach(p -> {
                try {
                    var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    sum[0] += a.isRegularFile() ? (a.size() + 4095) / 4096 * 4096 : 0;
                } catch (IOException ignored) {
                    // vanished while walking
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return sum[0];
        }
        return sum[0];
    }

    /** Where the hosts' own files live (tmpfs under /dev/shm when the machine has one). */
    public Path runtimeDir() {
        return layout.runtime();
    }

    /** Memory the fleet's processes use now: the sum of their proportional set sizes, in bytes. */
    public long memoryBytes() {
        return Procs.pssBytes(fleetMembers(Procs.all()));
    }

    private List<Long> fleetMembers(List<Procs.Proc> procs) {
        long pgid = state.pgid();
        return procs.stream().filter(p -> pgid > 0 && p.pgrp() == pgid && live(p)).map(Procs.Proc::pid).collect(Collectors.toList());
    }

    private static boolean live(Procs.Proc p) {
        return p != null && p.state() != 'Z' && p.state() != 'X';
    }

    // --- teardown --------------------------------------------------------------------------------------------

    /** Stops every process of the fleet and removes its files, host list, drop-in and slot. */
    public synchronized DownReport down() {
        if (closed) {
            return DownReport.nothing(layout.dir());
        }
        closed = true;
        return Sandbox.down(home(), layout.dir());
    }

    @Override
    public void close() {
        down();
    }

    // --- internals -------------------------------------------------------------------------------------------

    private long requireInit(SandboxHost h) {
        Long init = readPid(layout.host(h.name()).resolve("run/init.pid"));
        if (init == null || !Procs.alive(init)) {
            throw new SandboxException("sandbox host " + h.name() + " is not running (rebooting, halted or down)");
        }
        return init;
    }

    private void control(SandboxHost h, String command, String arg) {
        control(h, command, arg, true);
    }

    /** Asks the host's init to act: writes /run/ctl, sends SIGUSR1, and waits for its acknowledgement. */
    private synchronized void control(SandboxHost h, String command, String arg, boolean awaitAck) {
        long init = requireInit(h);
        Path run = layout.host(h.name()).resolve("run");
        long seq = controlSeq.incrementAndGet();
        try {
            Path tmp = run.resolve("ctl.tmp");
            Files.writeString(tmp, seq + " " + command + " " + arg + "\n");
            Files.move(tmp, run.resolve("ctl"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Procs.signal("USR1", init);
        if (!awaitAck) {
            return;
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        Path ack = run.resolve("ctl.ack");
        while (true) {
            try {
                if (Files.exists(ack) && Files.readString(ack).strip().equals(Long.toString(seq))) {
                    return;
                }
            } catch (IOException ignored) {
                // being written
            }
            if (System.nanoTime() > deadline) {
                throw new SandboxException("sandbox host " + h.name() + " did not acknowledge '" + command + "' within "
                        + WAIT.toSeconds() + " s");
            }
            Teardown.sleep(10);
        }
    }

    private void awaitListening(SandboxHost h, boolean listening) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (Procs.tcpListeners().contains(h.address() + ":22") != listening) {
            if (System.nanoTime() > deadline) {
                throw new SandboxException("sshd of sandbox host " + h.name() + (listening ? " did not start" : " did not stop")
                        + " within " + WAIT.toSeconds() + " s (log: " + layout.host(h.name()).resolve("sshd.log") + ")");
            }
            Teardown.sleep(20);
        }
    }

    /** Waits until the host's PID 1 is gone: the kernel has then ended every process of the host, sshd included. */
    private void awaitDead(SandboxHost h, long init) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (Procs.alive(init)) {
            if (System.nanoTime() > deadline) {
                throw new SandboxException("sandbox host " + h.name() + " did not go down within " + WAIT.toSeconds() + " s");
            }
            Teardown.sleep(20);
        }
    }

    static Long readPid(Path file) {
        try {
            String s = Files.readString(file).strip();
            return s.isEmpty() ? null : Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    static void writeState(SandboxLayout layout, SandboxState state) {
        try {
            Path tmp = layout.dir().resolve("state.json.tmp");
            Files.writeString(tmp, SlotRegistry.toJson(state));
            Files.move(tmp, layout.state(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Optional<SandboxState> readState(Path dir) {
        Path file = dir.resolve("state.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(SlotRegistry.fromJson(file, SandboxState.class));
        } catch (IOException e) {
            throw new SandboxException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "sandbox " + layout.dir() + " (slot " + state.slot() + ", " + state.hosts().size() + " hosts)";
    }

    /** Host name to state, in fleet order (handy in Groovy: {@code sandbox.states().'t-linux64-ms-001'}). */
    public Map<String, String> states() {
        Map<String, String> out = new LinkedHashMap<>();
        status().hosts().forEach(s -> out.put(s.host().name(), s.state()));
        return out;
    }
}
