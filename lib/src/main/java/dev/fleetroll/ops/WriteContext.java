package dev.fleetroll.ops;

import dev.fleetroll.auditlog.Actor;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.config.FleetrollConfig;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What the write operations run with: the fleet (SSH fan-out, audit, stored observations), the audit log, the
 * content stores and a clock. One per console session or script run, shared by the three operations.
 */
public record WriteContext(Fleet fleet, AuditLog auditLog, ContentAccess content, Clock clock) {
    public WriteContext {
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(auditLog, "auditLog");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(clock, "clock");
    }

    /**
     * The production wiring: the audit log {@code $FLEETROLL_HOME/audit.jsonl} with the actor from {@code env}
     * ({@code $FLEETROLL_ACTOR}, {@code $SUDO_USER}, {@code $USER}) and the fleet's own content stores.
     */
    public static WriteContext of(DefaultFleet fleet, Map<String, String> env) {
        return new WriteContext(fleet, AuditLog.of(fleet.workspace().home(), Actor.from(env)),
                new StoreContentAccess(fleet.overrideContents(), fleet.vaultContents()), Clock.systemUTC());
    }

    public FleetrollConfig.Writes defaults() {
        return fleet.workspace().config().writes();
    }
}
