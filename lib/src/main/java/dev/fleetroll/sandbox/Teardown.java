package dev.fleetroll.sandbox;

import dev.fleetroll.config.FleetrollHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Stops a fleet and removes its files, from whatever is left: the process group recorded at launch and, as a
 * sweep, every process whose command line names a script or sshd config inside the sandbox directory (or is its
 * Taskcluster and GitHub stand-ins' JVM). Killing a
 * host's namespace init ends every process in its PID namespace, and its mounts (all made inside its mount
 * namespace) vanish with the namespace, so nothing is ever unmounted on the machine.
 */
final class Teardown {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The stand-ins' main class: in the sweep for a stand-in process outside the fleet's group. */
    private static final String STAND_INS = dev.fleetroll.standin.StandInMain.class.getName();

    private Teardown() {}

    /**
     * @param pgid the fleet's process group, or 0 when unknown
     * @param home the FLEETROLL_HOME whose host list and drop-in to remove if they belong to this sandbox; may be null
     */
    static DownReport run(Path dir, Path runtime, long pgid, FleetrollHome home, Integer slot, int hosts) {
        long t0 = System.nanoTime();
        List<String> markers = new ArrayList<>();
        markers.add(dir + "/");
        if (runtime != null) {
            markers.add(runtime + "/");
        }
        boolean ours = groupIsOurs(markers, pgid);
        Set<Long> victims = fleetProcesses(markers, pgid, ours);
        int killed = victims.size();
        if (!victims.isEmpty()) {
            List<Long> targets = new ArrayList<>();
            if (ours) {
                targets.add(-pgid);
            }
            victims.stream().filter(p -> !ours || Procs.stat(p) == null || Procs.stat(p).pgrp() != pgid).forEach(targets::add);
            Procs.signal("KILL", targets);
            long deadline = System.nanoTime() + WAIT.toNanos();
            do {
                sleep(20);
                // only the victims and the group can still be alive: no need to read every command line again
                Set<Long> left = new HashSet<>();
                for (long pid : victims) {
                    if (Procs.alive(pid)) {
                        left.add(pid);
                    }
                }
                if (ours) {
                    for (Procs.Proc p : Procs.all()) {
                        if (p.pgrp() == pgid && p.state() != 'Z' && p.state() != 'X') {
                            left.add(p.pid());
                        }
                    }
                }
                victims = left;
                if (!victims.isEmpty() && System.nanoTime() > deadline) {
                    throw new SandboxException(victims.size() + " processes of the sandbox in " + dir
                            + " would not die (e.g. pid " + victims.iterator().next() + ")");
                }
                Procs.signal("KILL", victims);
            } while (!victims.isEmpty());
        }
        List<Path> removed = new ArrayList<>();
        if (home != null) {
            List<Path> written = new ArrayList<>(List.of(SandboxLayout.dropIn(home), SandboxLayout.hostList(home)));
            FleetPlan.ROLE_LISTS.values().forEach(name -> written.add(SandboxLayout.roleList(home, name)));
            for (Path p : written) {
                if (mentions(p, dir)) {
                    delete(p, removed);
                }
            }
            try {
                Files.deleteIfExists(SandboxLayout.roleListDir(home)); // only when empty
            } catch (IOException e) {
                // the operator keeps lists of their own there
            }
        }
        delete(dir, removed);
        if (runtime != null) {
            delete(runtime, removed);
            try {
                if (runtime.getParent().getFileName().toString().equals("fleetroll-sandbox")) {
                    Files.deleteIfExists(runtime.getParent());
                }
            } catch (IOException e) {
                // another fleet's runtime directory is still there
            }
        }
        return new DownReport(true, dir, slot, hosts, killed, Duration.ofNanos(System.nanoTime() - t0), removed);
    }

    /**
     * The fleet's live processes: members of its process group (when the group is ours) and anything whose command
     * line runs a sandbox script or sshd config from {@code dir}. Never this process or its ancestors.
     */
    static Set<Long> fleetProcesses(List<String> markers, long pgid, boolean ours) {
        Set<Long> self = ancestry();
        Set<Long> out = new HashSet<>();
        for (Procs.Proc p : Procs.all()) {
            if (self.contains(p.pid()) || p.state() == 'Z' || p.state() == 'X') {
                continue;
            }
            if (ours && p.pgrp() == pgid) {
                out.add(p.pid());
                continue;
            }
            String cmd = Procs.cmdline(p.pid());
            if (markers.stream().anyMatch(cmd::contains) && (cmd.contains("/lib/supervisor.sh") || cmd.contains("/lib/host-init.sh")
                    || cmd.contains("/lib/launch.sh") || cmd.contains("sshd") || cmd.contains(STAND_INS)
                    || cmd.contains("ipmi_sim") || cmd.contains("snmpd") || cmd.contains("/bmc/bmc.sh"))) {
                out.add(p.pid());
            }
        }
        return out;
    }

    /** Whether some member of group {@code pgid} runs a script of this sandbox (guards against a reused pid). */
    static boolean groupIsOurs(Path dir, long pgid) {
        return groupIsOurs(List.of(dir + "/"), pgid);
    }

    static boolean groupIsOurs(List<String> markers, long pgid) {
        if (pgid <= 0) {
            return false;
        }
        for (Procs.Proc p : Procs.all()) {
            if (p.pgrp() == pgid && markers.stream().anyMatch(Procs.cmdline(p.pid())::contains)) {
                return true;
            }
        }
        return false;
    }

    private static Set<Long> ancestry() {
        Set<Long> out = new HashSet<>();
        ProcessHandle h = ProcessHandle.current();
        while (h != null) {
            out.add(h.pid());
            h = h.parent().orElse(null);
        }
        return out;
    }

    private static boolean mentions(Path file, Path dir) {
        try {
            return Files.isRegularFile(file) && Files.readString(file).contains(dir.toString());
        } catch (IOException e) {
            return false;
        }
    }

    static void delete(Path root, List<Path> removed) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
            removed.add(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root + ": " + e.getMessage(), e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted");
        }
    }
}
