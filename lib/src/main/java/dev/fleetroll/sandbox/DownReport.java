package dev.fleetroll.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code down} did.
 *
 * @param found false when there was no sandbox to stop
 * @param slot the slot it freed; null when it had none (registry lost, e.g. after a machine reboot)
 * @param hosts how many hosts it had
 * @param processesKilled processes stopped (supervisors, namespace inits, sshds; the rest die with their namespaces)
 * @param removed files and directories removed (sandbox directory, host list, config drop-in, mount points)
 */
public record DownReport(boolean found, Path dir, Integer slot, int hosts, int processesKilled, Duration elapsed,
                         List<Path> removed) {
    static DownReport nothing(Path dir) {
        return new DownReport(false, dir, null, 0, 0, Duration.ZERO, List.of());
    }
}
