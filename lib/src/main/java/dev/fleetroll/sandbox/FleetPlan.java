package dev.fleetroll.sandbox;

import dev.fleetroll.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The deterministic shape of a sandbox fleet: host names, OS, roles, overrides, vaults, uptimes and scenarios
 * as a function of the host's index, and the address scheme. The same N always gives the same fleet.
 *
 * <p>Every 6th host (5, 11, 17, ...) is a macOS-like {@code macmini-r8-NNN}, and a fleet of 2-4 hosts makes its
 * last host one, so any fleet of two or more has a Mac. The others are {@code t-linux64-ms-NNN}, each kind numbered
 * from 001. Linux hosts cycle through nine scenarios (three of nine with an override), so a 12-host fleet shows
 * every one: clean, override-applied, override-pending, failed-run, no-metadata, clean, override-applied, no-role,
 * clean. The 5-host test fleet is ms-001 clean, ms-002 override-applied, ms-003 override-pending, ms-004 failed-run
 * and macmini-r8-001 override-applied.
 */
public final class FleetPlan {
    /** Sandbox FQDNs are {@code NAME.sandbox.test}. */
    public static final String DOMAIN = "sandbox.test";
    public static final int MAX_HOSTS = 5000;

    public static final String REPO_URL = "https://github.com/mozilla-platform-ops/ronin_puppet.git";
    public static final String BRANCH_MASTER = "master";
    public static final String BRANCH_RESOLVERD = "resolverd-fix";
    public static final String BRANCH_NETPERF = "netperf-tuning";
    public static final List<String> BRANCHES = List.of(BRANCH_MASTER, BRANCH_RESOLVERD, BRANCH_NETPERF);

    public static final String ROLE_TALOS_1804 = "gecko_t_linux_talos";
    public static final String ROLE_TALOS_2404 = "gecko_t_linux_2404_talos";
    public static final String ROLE_NETPERF = "gecko_t_linux_netperf";
    public static final String ROLE_MAC = "gecko_t_osx_1400_r8";

    private static final Scenario[] LINUX_CYCLE = {
        Scenario.CLEAN, Scenario.OVERRIDE_APPLIED, Scenario.OVERRIDE_PENDING, Scenario.FAILED_RUN,
        Scenario.NO_METADATA, Scenario.CLEAN, Scenario.OVERRIDE_APPLIED, Scenario.NO_ROLE, Scenario.CLEAN};
    private static final String[] LINUX_ROLES = {ROLE_TALOS_1804, ROLE_TALOS_2404, ROLE_NETPERF};
    private static final Scenario[] MAC_CYCLE = {Scenario.OVERRIDE_APPLIED, Scenario.CLEAN, Scenario.OVERRIDE_PENDING};
    /** Base uptimes from 14 minutes to 5 days; each host adds up to 10 minutes of its own. */
    private static final long[] UPTIMES = {
        3 * 3600 + 12 * 60, 28 * 3600, 47 * 60, 5 * 86400 + 2 * 3600, 9 * 3600 + 30 * 60, 71 * 3600, 14 * 60,
        11 * 3600 + 5 * 60};

    /** The role host lists a sandbox writes next to {@code sandbox.list}: {@code sandbox/1804} and so on. */
    public static final Map<String, String> ROLE_LISTS = Map.of(
            ROLE_TALOS_1804, "1804", ROLE_TALOS_2404, "2404", ROLE_NETPERF, "netperf", ROLE_MAC, "mac");

    private FleetPlan() {}

    /** The plans of an N-host fleet. */
    public static List<HostPlan> generate(int n) {
        if (n < 1 || n > MAX_HOSTS) {
            throw new UserError("a sandbox has 1 to " + MAX_HOSTS + " hosts, not " + n);
        }
        List<HostPlan> plans = new ArrayList<>(n);
        int linux = 0;
        int mac = 0;
        for (int i = 1; i <= n; i++) {
            boolean isMac = i % 6 == 5 || (n >= 2 && n < 5 && i == n);
            long uptime = UPTIMES[(i - 1) % UPTIMES.length] + (i * 97L) % 600;
            if (isMac) {
                mac++;
                Scenario s = MAC_CYCLE[(mac - 1) % MAC_CYCLE.length];
                plans.add(new HostPlan(i, String.format("macmini-r8-%03d", mac), HostOs.MACOS, s, ROLE_MAC,
                        s.requiresOverride() ? BRANCH_RESOLVERD : null, true, uptime));
            } else {
                linux++;
                Scenario s = LINUX_CYCLE[(linux - 1) % LINUX_CYCLE.length];
                String role = LINUX_ROLES[(linux - 1) % LINUX_ROLES.length];
                String branch = s.requiresOverride() ? (role.equals(ROLE_NETPERF) ? BRANCH_NETPERF : BRANCH_RESOLVERD) : null;
                boolean vault = s != Scenario.NO_METADATA && linux % 10 != 0;
                plans.add(new HostPlan(i, String.format("t-linux64-ms-%03d", linux), HostOs.LINUX, s, role, branch,
                        vault, uptime));
            }
        }
        return plans;
    }

    /**
     * Host {@code index} (1-based) of the fleet in {@code slot}: {@code 127.SLOT.X.Y} with
     * {@code X = 1 + (index-1)/254} and {@code Y = 1 + (index-1)%254}, so never .0, .255 or 127.0.0.1.
     */
    public static String address(int slot, int index) {
        if (slot < 0 || slot > 254) {
            throw new IllegalArgumentException("slot " + slot);
        }
        int x = 1 + (index - 1) / 254;
        int y = 1 + (index - 1) % 254;
        return "127." + slot + "." + x + "." + y;
    }

    /** The role a host of this OS gets when a plan needs one. */
    public static String defaultRole(HostOs os) {
        return os == HostOs.MACOS ? ROLE_MAC : ROLE_TALOS_1804;
    }

    /** The override file the sandbox puts on hosts whose override names {@code branch}; the same on every such host. */
    public static String overrideFor(String branch) {
        return "# fleetroll sandbox: roll out " + branch + " of ronin_puppet\n"
                + "PUPPET_REPO='" + REPO_URL + "'\n"
                + "PUPPET_BRANCH='" + branch + "'\n"
                + "PUPPET_MAIL='releng-hardware@example.com'\n"
                + "# WORKER_TYPE_OVERRIDE='gecko-t-linux-talos-1804-staging'\n";
    }

    /** The vault.yaml of hosts with {@code role} (null: no role); fake secrets, the same for every host of a role. */
    public static String vaultFor(String role) {
        String r = role == null ? "unknown" : role;
        String token = Integer.toHexString(r.hashCode() & 0x7fffffff);
        return "# vault.yaml for " + r + " (fleetroll sandbox: every secret here is fake)\n"
                + "taskcluster:\n"
                + "  client_id: project/releng/generic-worker/" + r + "\n"
                + "  access_token: fake-" + token + "-access-token\n"
                + "livelog:\n"
                + "  secret: fake-" + token + "-livelog\n";
    }
}
