package dev.fleetroll.sandbox;

import dev.fleetroll.config.FleetrollHome;
import java.nio.file.Path;

/**
 * Where things live: the sandbox directory (shared scripts, puppet repository, client files, state), the runtime
 * directory holding every host's own files, and the FLEETROLL_HOME files. The runtime directory is on tmpfs
 * ({@code /dev/shm}) when the machine has one: hundreds of hosts create and delete thousands of small files, which
 * on a disk file system (worse, one mounted with {@code discard}) costs seconds per hundred hosts.
 */
record SandboxLayout(Path dir, Path runtime) {
    static final String HOST_LIST_NAME = "sandbox";
    static final String DROP_IN_NAME = "50-sandbox.yaml";

    Path state() {
        return dir.resolve("state.json");
    }

    Path lib() {
        return dir.resolve("lib");
    }

    Path hosts() {
        return runtime.resolve("hosts");
    }

    Path host(String name) {
        return hosts().resolve(name);
    }

    Path sshConfig() {
        return dir.resolve("ssh_config");
    }

    Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    Path clientKey() {
        return dir.resolve("client").resolve("id_ed25519");
    }

    Path puppet() {
        return dir.resolve("puppet");
    }

    Path launchList() {
        return dir.resolve("launch.list");
    }

    /** The Taskcluster client credentials the sandbox's stand-in accepts (JSON, mode 0600), for the drop-in. */
    Path taskclusterCredentials() {
        return dir.resolve("client").resolve("taskcluster.json");
    }

    /** The stand-ins' own files: their start script, log, pid, ready marker and quarantine book. */
    Path services() {
        return dir.resolve("services");
    }

    Path servicesScript() {
        return services().resolve("stand-ins.sh");
    }

    Path servicesLog() {
        return services().resolve("stand-ins.log");
    }

    Path servicesPid() {
        return services().resolve("stand-ins.pid");
    }

    Path servicesReady() {
        return services().resolve("ready");
    }

    Path quarantines() {
        return services().resolve("quarantines.json");
    }

    static Path hostList(FleetrollHome home) {
        return home.hostLists().resolve(HOST_LIST_NAME + ".list");
    }

    /** {@code host-lists/sandbox/NAME.list}: the hosts of one role ({@link FleetPlan#ROLE_LISTS}). */
    static Path roleList(FleetrollHome home, String name) {
        return roleListDir(home).resolve(name + ".list");
    }

    static Path roleListDir(FleetrollHome home) {
        return home.hostLists().resolve(HOST_LIST_NAME);
    }

    static Path dropIn(FleetrollHome home) {
        return home.configDropIns().resolve(DROP_IN_NAME);
    }
}
