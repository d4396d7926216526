package dev.fleetroll.sandbox;

import dev.fleetroll.UserError;
import dev.fleetroll.standin.StandInMain;
import dev.fleetroll.util.Shell;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A sandbox's services: its Taskcluster and GitHub stand-ins, served by one JVM ({@link StandInMain}) on the slot's
 * service address {@code 127.SLOT.0.2} (no host has it: host addresses are {@code 127.SLOT.X.Y} with X from 1; and
 * not {@code .0.1}, which in slot 0 is the machine's own 127.0.0.1, where local servers like to sit on 8080).
 * {@code launch.sh} starts the script written here in the fleet's process group, so the group kill of
 * {@code down} and stale reaping ends it with the hosts. {@link #awaitReady} waits for it the way hosts are
 * waited for: as long as it shows signs of life.
 *
 * @param address the service address, {@code 127.SLOT.0.2}
 */
record SandboxServices(String address, int taskclusterPort, int githubPort) {
    static final String CLIENT_ID = "static/fleetroll-sandbox";
    /** The Bugzilla stand-in's port on the service address (the reboot ladder files its bugs there). */
    static final int BUGS_PORT = 8082;
    /**
     * Small and cheap: the stand-ins serve a few requests now and then, on machines with few cores. IPv4 sockets,
     * so their listeners show in /proc/net/tcp as the hosts' do (not as IPv4-mapped addresses in tcp6).
     */
    private static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx128m", "-Xss512k",
            "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true", "-Djava.awt.headless=true");

    static SandboxServices of(SandboxSpec spec, int slot) {
        return spec.services() ? new SandboxServices(address(slot), spec.taskclusterPort(), spec.githubPort()) : null;
    }

    /** {@code 127.SLOT.0.2}: never a host's address ({@link FleetPlan#address}), never 127.0.0.1. */
    static String address(int slot) {
        return "127." + slot + ".0.2";
    }

    String taskclusterRootUrl() {
        return "http://" + address + ":" + taskclusterPort;
    }

    String githubApiUrl() {
        return "http://" + address + ":" + githubPort;
    }

    String bugsUrl() {
        return bugsUrl(address);
    }

    static String bugsUrl(String address) {
        return "http://" + address + ":" + BUGS_PORT;
    }

    /** Writes the Bugzilla stand-in's only API key ({@code bugs_api_key}), readable by root only. */
    static void writeBugsKey(Path file) throws IOException {
        SandboxBmc.writePrivate(file, "# fleetroll sandbox: the API key of its Bugzilla stand-in (bugs.credentials_file)\n"
                + "bugs_api_key: " + SandboxBmc.random(32) + "\n");
    }

    /** Throws a one-line {@link UserError} when either port is taken on the service address. */
    void checkBindable() {
        bindable(taskclusterPort, "Taskcluster");
        bindable(githubPort, "GitHub");
        if (taskclusterPort == BUGS_PORT || githubPort == BUGS_PORT) {
            throw new UserError("port " + BUGS_PORT + " of " + address + " is the sandbox's Bugzilla stand-in's; give the"
                    + " Taskcluster and GitHub stand-ins other ports");
        }
        bindable(BUGS_PORT, "Bugzilla");
    }

    private void bindable(int port, String what) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw new UserError("the sandbox's " + what + " stand-in cannot listen on " + address + ":" + port + " ("
                    + e.getMessage() + "): stop the program listening there (on that address or on every address),"
                    + " or start the sandbox without its stand-ins");
        }
    }

    /** Writes the Taskcluster credentials the stand-in accepts: a fresh random access token, readable by root only. */
    static void writeCredentials(Path file) throws IOException {
        byte[] token = new byte[32];
        new SecureRandom().nextBytes(token);
        String json = "{\"clientId\": \"" + CLIENT_ID + "\", \"accessToken\": \""
                + Base64.getUrlEncoder().withoutPadding().encodeToString(token) + "\"}\n";
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, json, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * Writes the script {@code launch.sh} runs: it records its pid and becomes the stand-in JVM, started with this
     * JVM's java and class path. Every value is shell-quoted.
     */
    void writeScript(SandboxLayout layout) throws IOException {
        Files.createDirectories(layout.services());
        List<String> argv = new ArrayList<>();
        argv.add(javaCommand());
        argv.addAll(JVM_OPTIONS);
        argv.add("-cp");
        argv.add(classPath());
        argv.add(StandInMain.class.getName());
        argv.addAll(List.of("--sandbox", layout.dir().toString(),
                "--tc-listen", address + ":" + taskclusterPort,
                "--gh-listen", address + ":" + githubPort,
                "--credentials", layout.taskclusterCredentials().toString(),
                "--git-config", new PuppetRepo(layout.puppet()).gitConfig().toString(),
                "--quarantines", layout.quarantines().toString(),
                "--ready", layout.servicesReady().toString(),
                "--bugs-listen", address + ":" + BUGS_PORT,
                "--bugs-key-file", bugsKey(layout.dir()).toString()));
        String script = "#!/bin/sh\n"
                + "# fleetroll sandbox: its Taskcluster and GitHub stand-ins (written by 'fleetroll sandbox up').\n"
                + "# launch.sh runs this in the fleet's process group: killing the group stops it with the hosts.\n"
                + "echo $$ >" + Shell.quote(layout.servicesPid().toString()) + "\n"
                + "exec " + Shell.join(argv) + "\n";
        Provisioner.write(layout.servicesScript(), script, "rw-r--r--");
    }

    /** The Bugzilla stand-in's API key file ({@code bugs.credentials_file}). */
    static Path bugsKey(Path sandboxDir) {
        return sandboxDir.resolve("client").resolve("bugzilla.yaml");
    }

    /** The java of the running JVM. */
    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** This JVM's class path with every entry made absolute (the stand-in starts in the sandbox directory). */
    private static String classPath() {
        List<String> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                out.add(Path.of(e).toAbsolutePath().normalize().toString());
            }
        }
        return String.join(File.pathSeparator, out);
    }

    /**
     * Waits until the stand-ins listen (their ready file appears). There is no fixed budget: a slow start is waited
     * for while the stand-in's log grows or its process uses CPU time; it fails at once when the process is gone,
     * and after {@code stall} without any sign of life, with one line naming the stand-in log.
     */
    static void awaitReady(Path ready, Path pidFile, Path log, Duration stall) {
        StallClock clock = new StallClock(stall);
        long nextLook = 0;
        while (!Files.exists(ready)) {
            Long pid = RunningSandbox.readPid(pidFile);
            if (pid != null && !Procs.alive(pid)) {
                if (Files.exists(ready)) {
                    return;
                }
                throw new SandboxException("the sandbox's Taskcluster and GitHub stand-ins did not start: " + lastLine(log)
                        + " (log: " + log + ")");
            }
            long now = System.nanoTime();
            if (now - nextLook >= 0) { // the CPU time reads all of /proc: not on every poll
                nextLook = now + Sandbox.LOOK_EVERY_NANOS;
                long cpu = pid == null ? 0 : SignOfLife.cpuTicksUnder(List.of(pid));
                if (clock.stalled(List.of(pid == null ? 0L : pid, SignOfLife.size(log), cpu), now)) {
                    throw new SandboxException("the sandbox's Taskcluster and GitHub stand-ins did not start (no log line,"
                            + " no CPU time for " + clock.quietSeconds(now) + " s): " + lastLine(log) + " (log: " + log + ")");
                }
            }
            Teardown.sleep(50);
        }
    }

    /** The log's last line that says something, cut to one line. */
    static String lastLine(Path log) {
        try {
            List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty()).toList();
            return lines.isEmpty() ? "(empty log)" : lines.getLast();
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
