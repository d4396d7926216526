package dev.fleetroll.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What shows that booting sandbox hosts are getting somewhere: how many are still waited for, how much their
 * console and sshd logs hold, and how much CPU time their own processes (each host's supervisor and everything
 * under it: init, boot scripts, puppet runs, sshd) have used. Compared with {@code equals} by a {@link StallClock}:
 * while any of it changes, a boot is slow, not stuck.
 */
record SignOfLife(int waiting, long logBytes, long cpuTicks) {

    static SignOfLife of(SandboxLayout layout, Collection<SandboxHost> waiting) {
        long bytes = 0;
        List<Long> supervisors = new ArrayList<>();
        for (SandboxHost h : waiting) {
            Path dir = layout.host(h.name());
            bytes += size(dir.resolve("console.log")) + size(dir.resolve("sshd.log"));
            Long pid = RunningSandbox.readPid(dir.resolve("supervisor.pid"));
            if (pid != null) {
                supervisors.add(pid);
            }
        }
        return new SignOfLife(waiting.size(), bytes, cpuTicksUnder(supervisors));
    }

    /** CPU time of the given processes and all their descendants (reaped children included). */
    static long cpuTicksUnder(Collection<Long> roots) {
        if (roots.isEmpty()) {
            return 0;
        }
        Map<Long, List<Procs.Proc>> children = new HashMap<>();
        Map<Long, Procs.Proc> byPid = new HashMap<>();
        for (Procs.Proc p : Procs.all()) {
            byPid.put(p.pid(), p);
            children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
        }
        long ticks = 0;
        Deque<Procs.Proc> todo = new ArrayDeque<>();
        for (Long r : roots) {
            Procs.Proc p = byPid.get(r);
            if (p != null) {
                todo.add(p);
            }
        }
        while (!todo.isEmpty()) {
            Procs.Proc p = todo.poll();
            ticks += p.cpuTicks();
            todo.addAll(children.getOrDefault(p.pid(), List.of()));
        }
        return ticks;
    }

    /** The file's size; 0 when it does not exist (yet). */
    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
