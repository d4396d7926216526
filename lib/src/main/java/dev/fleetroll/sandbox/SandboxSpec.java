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
 */
public record SandboxSpec(FleetrollHome home, Path dir, List<HostPlan> hosts, String loginUser, boolean tiedToOwner,
                          boolean puppetOnBoot) {
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
    }

    /** An N-host fleet of the default shape in {@code home/sandbox}, owned by this process. */
    public static SandboxSpec of(FleetrollHome home, int hosts) {
        return new SandboxSpec(home, null, FleetPlan.generate(hosts), null, true, true);
    }

    public Path sandboxDir() {
        return (dir != null ? dir : home.sandbox()).toAbsolutePath().normalize();
    }

    public SandboxSpec withDir(Path d) {
        return new SandboxSpec(home, d, hosts, loginUser, tiedToOwner, puppetOnBoot);
    }

    public SandboxSpec withHosts(List<HostPlan> h) {
        return new SandboxSpec(home, dir, h, loginUser, tiedToOwner, puppetOnBoot);
    }

    public SandboxSpec withLoginUser(String user) {
        return new SandboxSpec(home, dir, hosts, user, tiedToOwner, puppetOnBoot);
    }

    public SandboxSpec withTiedToOwner(boolean tied) {
        return new SandboxSpec(home, dir, hosts, loginUser, tied, puppetOnBoot);
    }

}
