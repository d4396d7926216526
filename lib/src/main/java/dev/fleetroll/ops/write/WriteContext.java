package dev.fleetroll.ops.write;

import dev.fleetroll.ops.Fleet;
import dev.fleetroll.auditlog.Actor;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.content.ContentStore;
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
     * ({@code $FLEETROLL_ACTOR}, {@code $SUDO_USER}, {@code $USER}) and the home's content stores.
     */
    public static WriteContext of(Fleet fleet, Map<String, String> env) {
        FleetrollHome home = fleet.workspace().home();
        return new WriteContext(fleet, AuditLog.of(home, Actor.from(env)),
                new StoreContentAccess(ContentStores.of(home)), Clock.systemUTC());
    }

    public FleetrollConfig.Writes defaults() {
        return fleet.workspace().config().writes();
    }
}
