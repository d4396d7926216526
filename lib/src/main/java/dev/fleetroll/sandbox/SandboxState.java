package dev.fleetroll.sandbox;

import java.util.List;

/**
 * Everything needed to use or tear down a fleet, kept as {@code state.json} in the sandbox directory so that
 * another process (the CLI, a later test run) can attach to it, and {@code down} works after a crash.
 *
 * @param pgid the process group of the fleet's supervisors, namespace inits and sshds (0 until launched)
 * @param taskclusterRootUrl the Taskcluster stand-in's root URL; null when the sandbox runs no stand-ins
 * @param githubApiUrl the GitHub stand-in's API URL; null when the sandbox runs no stand-ins
 */
record SandboxState(int version, int slot, String dir, String runtime, String home, String created, long pgid,
                    String loginUser, boolean puppetOnBoot, boolean tiedToOwner, List<SandboxHost> hosts,
                    String taskclusterRootUrl, String githubApiUrl) {
    static final int VERSION = 1;

    SandboxState {
        hosts = List.copyOf(hosts);
    }

    SandboxState withPgid(long p) {
        return new SandboxState(version, slot, dir, runtime, home, created, p, loginUser, puppetOnBoot, tiedToOwner, hosts,
                taskclusterRootUrl, githubApiUrl);
    }

    SandboxState withHosts(List<SandboxHost> h) {
        return new SandboxState(version, slot, dir, runtime, home, created, pgid, loginUser, puppetOnBoot, tiedToOwner, h,
                taskclusterRootUrl, githubApiUrl);
    }
}
