package dev.fleetroll.inventory;

import java.time.Instant;

/**
 * What one discovery probe ({@code inventory probe}) found about a host. Each check is null when it was not tried
 * (an earlier one failed, or, for {@code bmc}, no BMC address is configured).
 *
 * @param host the host
 * @param at when the probe finished
 * @param resolves the name resolved (through the SSH configuration's HostName, as the SSH engine connects)
 * @param reachable TCP port 22 (or the configured Port) accepted a connection
 * @param sshable an SSH session authenticated and ran a command
 * @param sudoable {@code sudo -n true} worked in that session
 * @param bmc the BMC address accepted a connection on port 623; null when none is configured
 * @param detail why the first failing check failed; null when all passed
 */
public record ProbeResult(String host, Instant at, Boolean resolves, Boolean reachable, Boolean sshable, Boolean sudoable,
                          Boolean bmc, String detail) {

    /** True when every check that was tried passed (the host answers and can be managed). */
    public boolean ok() {
        return Boolean.TRUE.equals(sudoable) && !Boolean.FALSE.equals(bmc);
    }
}
