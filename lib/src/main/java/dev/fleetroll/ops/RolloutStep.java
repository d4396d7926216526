package dev.fleetroll.ops;

import java.util.List;

/**
 * What one rollout command will do to hosts, shown before it happens and decided on by the {@link WriteGate} like
 * any write: start (push the override to the first stage), advance (past a gate, to the next stage), rollback or
 * finalize. The operation then runs its writes and Puppet runs under that one decision.
 *
 * @param action {@code start}, {@code advance}, {@code apply} (re-apply an interrupted stage), {@code rollback},
 *     {@code finalize}
 * @param stage the stage it acts on ({@code canary}, {@code stage 2}; null for rollback and finalize)
 * @param hosts the hosts whose override it changes
 * @param gate the gate query; {@code gateState} its latest assessment's summary (null before one)
 * @param notes other lines worth showing (skipped hosts, forced gate, restores)
 */
public record RolloutStep(String action, String rollout, String stage, List<String> hosts, String overrideSha,
                          String humanhash, String gate, String gateState, boolean runPuppet, boolean forced,
                          String reason, List<String> notes) implements ActionPlan {
    public RolloutStep {
        hosts = List.copyOf(hosts);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    @Override
    public String verb() {
        return "rollout " + action;
    }

    @Override
    public String title() {
        return "rollout " + rollout + ": " + action + (stage == null ? "" : " (" + stage + ")");
    }
}
