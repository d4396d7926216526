package dev.fleetroll.reboot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rungs tried on each host in its current climb, one line per rung: what the last rung (filing a bug) puts in the
 * bug's description, so whoever picks it up sees what was already done. The ladder starts a host's entry when its
 * climb begins and adds to it after each rung; hosts climb in parallel, so the entries are kept per host.
 */
public final class ClimbHistory {
    private final Map<String, List<String>> byHost = new ConcurrentHashMap<>();

    void start(String host) {
        byHost.put(host, new ArrayList<>());
    }

    void add(String host, RungAttempt a) {
        byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(line(a));
    }

    /** The lines of {@code host}'s climb so far (empty when it is not climbing). */
    public List<String> tried(String host) {
        List<String> lines = byHost.get(host);
        return lines == null ? List.of() : List.copyOf(lines);
    }

    static String line(RungAttempt a) {
        return a.rung() + ": " + a.outcome() + " (" + a.detail() + ")";
    }
}
