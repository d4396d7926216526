package dev.fleetroll.sandbox;

import dev.fleetroll.UserError;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * What one sandbox host should be: name, OS, role, override branch, vault, uptime and scenario. {@link FleetPlan}
 * generates them deterministically from the host's index; tests may adjust them with the {@code with...} methods.
 *
 * @param index 1-based position in the fleet; decides the host's address ({@link FleetPlan#address})
 * @param name short host name, e.g. {@code t-linux64-ms-001}; the FQDN appends {@link FleetPlan#DOMAIN}
 * @param role contents of {@code /etc/puppet_role}; null = no role file (always null for {@link Scenario#NO_ROLE})
 * @param overrideBranch branch named by the host's override file; null = no override
 * @param vault whether the host has a vault.yaml
 * @param uptimeSeconds the host's uptime when the sandbox comes up
 */
public record HostPlan(int index, String name, HostOs os, Scenario scenario, String role, String overrideBranch,
                       boolean vault, long uptimeSeconds) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9/_-]+");

    public HostPlan {
        if (index < 1) {
            throw new UserError("sandbox host index must be 1 or more, not " + index);
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new UserError("sandbox host name '" + name + "' is not a short lower-case host name");
        }
        if (os == null || scenario == null) {
            throw new UserError("sandbox host " + name + " needs an os and a scenario");
        }
        if (scenario == Scenario.NO_ROLE) {
            role = null;
        }
        if (role != null && (role.isBlank() || role.contains("\n"))) {
            throw new UserError("sandbox host " + name + ": role '" + role + "' must be one non-empty line");
        }
        if (scenario.requiresOverride() && overrideBranch == null) {
            throw new UserError("sandbox host " + name + ": scenario " + scenario.label() + " needs an override branch");
        }
        if (scenario == Scenario.CLEAN && overrideBranch != null) {
            throw new UserError("sandbox host " + name + ": scenario clean has no override (use override-applied)");
        }
        if (overrideBranch != null && !BRANCH.matcher(overrideBranch).matches()) {
            throw new UserError("sandbox host " + name + ": branch '" + overrideBranch + "' may only hold [A-Za-z0-9/_-]");
        }
        if (uptimeSeconds < 1) {
            throw new UserError("sandbox host " + name + ": uptime must be at least one second");
        }
    }

    public String fqdn() {
        return name + "." + FleetPlan.DOMAIN;
    }

    public Duration uptime() {
        return Duration.ofSeconds(uptimeSeconds);
    }

    /** Changes the scenario; a branch is added ({@code resolverd-fix}) or dropped when the scenario needs it. */
    public HostPlan withScenario(Scenario s) {
        String branch = overrideBranch;
        if (s.requiresOverride() && branch == null) {
            branch = FleetPlan.BRANCH_RESOLVERD;
        } else if (s == Scenario.CLEAN) {
            branch = null;
        }
        String r = s == Scenario.NO_ROLE ? null : role == null ? FleetPlan.defaultRole(os) : role;
        return new HostPlan(index, name, os, s, r, branch, vault, uptimeSeconds);
    }

    public HostPlan withVault(boolean v) {
        return new HostPlan(index, name, os, scenario, role, overrideBranch, v, uptimeSeconds);
    }
}
