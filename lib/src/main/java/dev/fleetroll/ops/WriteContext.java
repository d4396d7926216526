package dev.fleetroll.ops;

import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.config.FleetrollConfig;
import java.time.Clock;
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

    public FleetrollConfig.Writes defaults() {
        return fleet.workspace().config().writes();
    }
}
