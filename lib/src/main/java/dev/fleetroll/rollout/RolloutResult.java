package dev.fleetroll.rollout;

import dev.fleetroll.ops.WriteGate;
import java.util.List;

/**
 * What one rollout command did.
 *
 * @param status the rollout as stored afterwards (null after a dry-run start: nothing was stored)
 * @param decision the gate's decision on the step (null when the step touched no host: pause, a failed gate)
 * @param gate the assessment made by this command, if any
 * @param ok false when the rollout stopped: its gate failed (it is paused) or the step was interrupted; hosts that
 *     failed a push or a Puppet run do not make it false (they fail the next gate)
 * @param message one line for the operator
 * @param warnings things that did not stop the command
 */
public record RolloutResult(String action, RolloutStatus status, WriteGate.Decision decision, GateResult gate, boolean ok,
                            String message, List<String> warnings) {
    public RolloutResult {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public boolean dryRun() {
        return decision != null && decision.verdict() == WriteGate.Verdict.DRY_RUN;
    }

    public boolean performed() {
        return decision != null && decision.verdict() == WriteGate.Verdict.WRITE;
    }
}
