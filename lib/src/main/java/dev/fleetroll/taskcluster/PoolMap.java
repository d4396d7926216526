package dev.fleetroll.taskcluster;

import dev.fleetroll.config.FleetrollConfig;
import java.util.Locale;
import java.util.Map;

/**
 * Which Taskcluster pool ({@code provisionerId/workerType}) a host works in: its Puppet role looked up in the
 * configured role table ({@code taskcluster.roles}), unless the host's override names a worker type with
 * {@code WORKER_TYPE_OVERRIDE}, which wins (the worker runs in that pool whatever its role).
 */
public final class PoolMap {
    private final String provisioner;
    private final Map<String, String> roles;

    public PoolMap(String provisioner, Map<String, String> roles) {
        this.provisioner = provisioner;
        this.roles = Map.copyOf(roles);
    }

    public static PoolMap of(FleetrollConfig.Taskcluster config) {
        return new PoolMap(config.provisioner(), config.roles());
    }

    /** What a host maps to: a pool, or why it has none. */
    public record Mapping(Pool pool, String problem) {
        public boolean mapped() {
            return pool != null;
        }
    }

    /**
     * The pool of an audited host with {@code role} (null: it has none) whose override sets
     * {@code workerTypeOverride} (null: none).
     */
    public Mapping map(String role, String workerTypeOverride) {
        if (workerTypeOverride != null && !workerTypeOverride.isBlank()) {
            return new Mapping(qualify(workerTypeOverride.strip()), null);
        }
        if (role == null || role.isBlank()) {
            return new Mapping(null, "no Puppet role (/etc/puppet_role is missing or empty)");
        }
        String r = role.strip();
        String type = roles.get(r);
        if (type == null) {
            return new Mapping(null, "no pool for role " + r + " (add it to taskcluster.roles)");
        }
        if (type.equalsIgnoreCase("auto")) {
            type = r.replace('_', '-').toLowerCase(Locale.ROOT);
        }
        return new Mapping(qualify(type), null);
    }

    private Pool qualify(String type) {
        int slash = type.indexOf('/');
        return slash < 0 ? new Pool(provisioner, type) : new Pool(type.substring(0, slash), type.substring(slash + 1));
    }
}
