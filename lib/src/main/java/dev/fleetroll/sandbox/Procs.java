package dev.fleetroll.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the sandbox reads from {@code /proc}: processes (to find, measure and stop a fleet), listening TCP sockets
 * (to know a host's sshd is up) and the machine's uptime (for boot-time offsets).
 */
final class Procs {
    private static final Path PROC = Path.of("/proc");

    private Procs() {}

    /** One process, from {@code /proc/PID/stat}. */
    record Proc(long pid, String comm, char state, long ppid, long pgrp, long startTicks, long cpuTicks) {}

    /** Every process visible now (processes that exit while we look are skipped). */
    static List<Proc> all() {
        List<Proc> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.isEmpty() && Character.isDigit(n.charAt(0))) {
                    Proc proc = stat(Long.parseLong(n));
                    if (proc != null) {
                        out.add(proc);
                    }
                }
            }
        } catch (IOException e) {
            throw new SandboxException("cannot list /proc: " + e.getMessage(), e);
        }
        return out;
    }

    /** The process, or null when it does not exist (any more). */
    static Proc stat(long pid) {
        String s;
        try {
            s = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
        int open = s.indexOf('(');
        int close = s.lastIndexOf(')');
        if (open < 0 || close < 0) {
            return null;
        }
        String[] f = s.substring(close + 2).split(" ");
        // after the comm: state(0) ppid(1) pgrp(2) session(3) ... utime(11) stime(12) cutime(13) cstime(14) ...
        // starttime(19); cpuTicks counts the reaped children too, so a process's work still shows once its
        // short-lived children are gone
        long cpu = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        return new Proc(pid, s.substring(open + 1, close), f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]),
                Long.parseLong(f[19]), cpu);
    }

    static boolean alive(long pid) {
        Proc p = stat(pid);
        return p != null && p.state() != 'Z' && p.state() != 'X';
    }

    /** The command line with NULs as spaces; empty when unreadable. */
    static String cmdline(long pid) {
        try {
            byte[] b = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            return new String(b, StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Proportional set size of a process in bytes (shared pages divided among their users); 0 when unreadable. */
    static long pssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.substring(4).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone, or a kernel thread
        }
        return 0;
    }

    static long pssBytes(Collection<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            sum += pssBytes(pid);
        }
        return sum;
    }

    /** IPv4 sockets in LISTEN state, as {@code 127.0.1.1:22}. */
    static Set<String> tcpListeners() {
        Set<String> out = new HashSet<>();
        try {
            List<String> lines = Files.readAllLines(PROC.resolve("net/tcp"));
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length > 3 && f[3].equals("0A")) {
                    out.add(decode(f[1]));
                }
            }
        } catch (IOException e) {
            throw new SandboxException("cannot read /proc/net/tcp: " + e.getMessage(), e);
        }
        return out;
    }

    /** {@code 0101007F:0016} (little-endian address, hex port) to {@code 127.1.1.1:22}. */
    static String decode(String hex) {
        int colon = hex.indexOf(':');
        long a = Long.parseLong(hex.substring(0, colon), 16);
        int port = Integer.parseInt(hex.substring(colon + 1), 16);
        return (a & 0xff) + "." + (a >> 8 & 0xff) + "." + (a >> 16 & 0xff) + "." + (a >> 24 & 0xff) + ":" + port;
    }

    /** Seconds since the machine booted. */
    static double machineUptime() {
        try {
            return Double.parseDouble(Files.readString(PROC.resolve("uptime")).trim().split("\\s+")[0]);
        } catch (IOException e) {
            throw new SandboxException("cannot read /proc/uptime: " + e.getMessage(), e);
        }
    }

    /** Sends {@code signal} (e.g. {@code KILL}, {@code USR1}) to each pid; a negative pid is a process group. */
    static void signal(String signal, Collection<Long> pids) {
        if (pids.isEmpty()) {
            return;
        }
        List<String> argv = new ArrayList<>(List.of("kill", "-s", signal, "--"));
        for (long p : new HashSet<>(pids)) {
            argv.add(Long.toString(p));
        }
        Exec.run(argv);
    }

    static void signal(String signal, long pid) {
        signal(signal, List.of(pid));
    }
}
