package dev.fleetroll.sandbox;

import dev.fleetroll.UserError;
import dev.fleetroll.config.FleetrollHome;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What {@link Sandbox#up} should start.
 *
 * @param home the FLEETROLL_HOME that gets the host list ({@code host-lists/sandbox.list}) and the config drop-in
 *     ({@code config.d/50-sandbox.yaml}); one sandbox per home
 * @param dir where the sandbox lives; null = {@code home/sandbox}
 * @param hosts the hosts, by default {@link FleetPlan#generate}
 * @param loginUser null to log in as root; otherwise a user created inside each host only, with passwordless sudo
 * @param tiedToOwner true (tests): the fleet belongs to this process, and a later {@code up} or
 *     {@code down --all-stale} reaps it once the process is gone, even if its hosts still run. False (the CLI):
 *     the fleet outlives the process that started it.
 * @param puppetOnBoot whether a host runs its {@code run-puppet.sh} at each reboot, as Linux workers do
 * @param services whether the sandbox also runs its Taskcluster and GitHub stand-ins (one JVM, in the fleet's process
 *     group) and points the config drop-in at them, so {@code gather-tc} and {@code gather-gh} work with no flags
 * @param taskclusterPort the Taskcluster stand-in's port on the slot's service address {@code 127.SLOT.0.2}
 * @param githubPort the GitHub stand-in's port there
 * @param bmc whether the sandbox also runs a BMC per host ({@code ipmi_sim}) and a PDU ({@code snmpd}) wired to the
 *     hosts' power, and points the config drop-in's {@code bmc:} and {@code pdu:} sections at them ({@code --bmc})
 */
public record SandboxSpec(FleetrollHome home, Path dir, List<HostPlan> hosts, String loginUser, boolean tiedToOwner,
                          boolean puppetOnBoot, boolean services, int taskclusterPort, int githubPort, boolean bmc) {
    /** Where the stand-ins listen by default, on {@code 127.SLOT.0.2}. */
    public static final int TASKCLUSTER_PORT = 8080;
    public static final int GITHUB_PORT = 8081;

    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,30}");

    public SandboxSpec {
        if (home == null) {
            throw new IllegalArgumentException("home");
        }
        hosts = List.copyOf(hosts);
        if (hosts.isEmpty() || hosts.size() > FleetPlan.MAX_HOSTS) {
            throw new UserError("a sandbox has 1 to " + FleetPlan.MAX_HOSTS + " hosts, not " + hosts.size());
        }
        if (loginUser != null && (!USER.matcher(loginUser).matches() || loginUser.equals("root"))) {
            throw new UserError("login user '" + loginUser + "' must be a lower-case user name other than root");
        }
        long distinct = hosts.stream().map(HostPlan::name).distinct().count();
        if (distinct != hosts.size() || hosts.stream().map(HostPlan::index).distinct().count() != hosts.size()) {
            throw new UserError("sandbox host names and indexes must be unique");
        }
        if (taskclusterPort < 1 || taskclusterPort > 65535 || githubPort < 1 || githubPort > 65535
                || taskclusterPort == githubPort) {
            throw new UserError("the sandbox's Taskcluster and GitHub stand-ins need two different ports from 1 to 65535,"
                    + " not " + taskclusterPort + " and " + githubPort);
        }
    }

    /** An N-host fleet of the default shape in {@code home/sandbox}, owned by this process, with its stand-ins. */
    public static SandboxSpec of(FleetrollHome home, int hosts) {
        return new SandboxSpec(home, null, FleetPlan.generate(hosts), null, true, true, true, TASKCLUSTER_PORT, GITHUB_PORT, false);
    }

    public Path sandboxDir() {
        return (dir != null ? dir : home.sandbox()).toAbsolutePath().normalize();
    }

    public SandboxSpec withDir(Path d) {
        return new SandboxSpec(home, d, hosts, loginUser, tiedToOwner, puppetOnBoot, services, taskclusterPort, githubPort, bmc);
    }

    public SandboxSpec withHosts(List<HostPlan> h) {
        return new SandboxSpec(home, dir, h, loginUser, tiedToOwner, puppetOnBoot, services, taskclusterPort, githubPort, bmc);
    }

    public SandboxSpec withLoginUser(String user) {
        return new SandboxSpec(home, dir, hosts, user, tiedToOwner, puppetOnBoot, services, taskclusterPort, githubPort, bmc);
    }

    public SandboxSpec withTiedToOwner(boolean tied) {
        return new SandboxSpec(home, dir, hosts, loginUser, tied, puppetOnBoot, services, taskclusterPort, githubPort, bmc);
    }

    /** With or without the Taskcluster and GitHub stand-ins (on by default; the test fixture turns them off). */
    public SandboxSpec withServices(boolean on) {
        return new SandboxSpec(home, dir, hosts, loginUser, tiedToOwner, puppetOnBoot, on, taskclusterPort, githubPort, bmc);
    }

    /** The stand-ins' ports on {@code 127.SLOT.0.2} (default {@value #TASKCLUSTER_PORT} and {@value #GITHUB_PORT}). */
    public SandboxSpec withServicePorts(int taskcluster, int github) {
        return new SandboxSpec(home, dir, hosts, loginUser, tiedToOwner, puppetOnBoot, services, taskcluster, github, bmc);
    }

    /** With or without a BMC per host and a PDU ({@code ipmi_sim} and {@code snmpd}; off by default). */
    public SandboxSpec withBmc(boolean on) {
        return new SandboxSpec(home, dir, hosts, loginUser, tiedToOwner, puppetOnBoot, services, taskclusterPort, githubPort, on);
    }
}
