package dev.fleetroll.ops;

import dev.fleetroll.taskcluster.Pool;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a Taskcluster quarantine (or its lifting) will do, shown before it happens: the workers it changes, with
 * what Taskcluster last said about them, and the hosts it leaves alone because fleetroll knows no worker for them.
 *
 * @param lift true to end quarantines, false to start them
 * @param targets the workers that will be changed, one per host
 * @param skipped hosts left alone, with why (never scanned, not listed by Taskcluster, no pool)
 * @param until the quarantine's end (for a lift: now)
 * @param reason the operator's reason, sent to Taskcluster as {@code quarantineInfo} and kept in the audit log
 */
public record QuarantinePlan(boolean lift, List<Target> targets, Map<String, String> skipped, Instant until,
                             String reason) implements ActionPlan {

    public QuarantinePlan {
        targets = List.copyOf(targets);
        skipped = Map.copyOf(skipped);
    }

    /**
     * One worker.
     *
     * @param currentUntil its quarantine's end as last scanned (null: not quarantined)
     * @param scannedAt when Taskcluster was last asked about it
     */
    public record Target(String host, Pool pool, String workerGroup, String workerId, Instant currentUntil,
                         Instant scannedAt) {}

    @Override
    public List<String> hosts() {
        return targets.stream().map(Target::host).toList();
    }

    @Override
    public String verb() {
        return lift ? "unquarantine" : "quarantine";
    }

    @Override
    public String title() {
        return lift ? "lift the Taskcluster quarantine" : "quarantine in Taskcluster";
    }

    /** The audit log's {@code action}. */
    public String auditName() {
        return lift ? "tc.unquarantine" : "tc.quarantine";
    }
}
