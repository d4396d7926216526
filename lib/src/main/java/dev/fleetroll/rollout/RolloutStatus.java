package dev.fleetroll.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A rollout as the store has it: its plan, state, stages with their hosts and gate results, what happened on each
 * host, the advance lease if someone holds it, and its event history. Every console reads the same.
 */
public record RolloutStatus(String name, RolloutState state, RolloutPlan plan, int currentStage, String createdBy,
                            Instant createdAt, Instant updatedAt, Lease lease, List<Stage> stages,
                            Map<String, HostRecord> hosts, List<Event> events) {
    public RolloutStatus {
        stages = List.copyOf(stages);
        hosts = Map.copyOf(hosts);
        events = List.copyOf(events);
    }

    /** One stage. {@code gate} is its latest assessment (null before one). */
    public record Stage(int index, StageState state, List<String> hosts, Instant appliedAt, Instant soakUntil,
                        GateResult gate, String advancedBy, Instant advancedAt, boolean forced, String reason) {
        public Stage {
            hosts = List.copyOf(hosts);
        }

        /** {@code canary} for a first stage of canary hosts, else {@code stage N}. */
        public String title(boolean hasCanary) {
            return index == 0 && hasCanary ? "canary" : "stage " + index;
        }
    }

    /**
     * What happened on one target.
     *
     * @param push the override write's outcome ({@code changed}, {@code unchanged}, {@code blocked}, ...); null before
     * @param priorSha the override the host had before the push (null: none), for rollback
     * @param puppet the Puppet run's result label ({@code ok}, {@code failed}, ...); null when not run
     * @param gate {@code pass}/{@code fail} at the stage's latest assessment
     */
    public record HostRecord(String host, int stage, String push, String pushError, String priorSha, Integer puppetExit,
                             String puppet, String gate, String gateDetail, Instant updatedAt) {
        /** The override is (or may be) on the host because of this rollout. */
        public boolean pushed() {
            return "changed".equals(push) || "unchanged".equals(push) || "failed".equals(push);
        }
    }

    /** Who holds the advance lease, since when; {@code machine} and {@code pid} tell a crashed holder. */
    public record Lease(String token, String by, long pid, String machine, Instant since) {}

    /** One line of the rollout's history. */
    public record Event(long id, Instant ts, String actor, String event, String detail) {}

    public Stage current() {
        return stages.get(Math.min(currentStage, stages.size() - 1));
    }

    public boolean hasCanary() {
        return !plan.canary().isEmpty();
    }

    /** Time left before the current stage may be assessed (zero when soaked or not applied). */
    public Duration soakRemaining(Instant now) {
        Stage s = current();
        if (s.soakUntil() == null || !s.soakUntil().isAfter(now)) {
            return Duration.ZERO;
        }
        return Duration.between(now, s.soakUntil());
    }

    /** True when nothing more will happen without an operator: complete, rolled back or finalized. */
    public boolean done() {
        return state == RolloutState.COMPLETE || state.ended();
    }
}
