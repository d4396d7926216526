package dev.fleetroll.ops;

import java.util.Objects;

/**
 * Decides, given the plan, whether a write happens: the safety policy lives in front-ends (the console's
 * {@code ConsoleWriteGate}: CLI and {@code fleetroll run} dry-run unless {@code --confirm}, the REPL asks
 * {@code [y/N]}, no terminal and no {@code --confirm} refuses), the operations only obey it and audit the
 * decision. A gate may print the plan; {@code lib} never does.
 */
@FunctionalInterface
public interface WriteGate {

    Decision decide(ActionPlan plan) throws InterruptedException;

    /** Asks {@code gate} about {@code plan}; an interrupt while asking counts as the operator declining. */
    static Decision ask(WriteGate gate, ActionPlan plan) {
        try {
            return gate.decide(plan);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Decision(Verdict.DECLINED, "interrupted", "interrupted before confirming");
        }
    }

    enum Verdict {
        /** Go ahead and write. */
        WRITE,
        /** Show only; audited with {@code dry_run: true}. Scripts carry on. */
        DRY_RUN,
        /** The operator was asked and said no; audited as {@code declined}. */
        DECLINED,
        /** Fail closed (no terminal to ask on and no {@code --confirm}); audited as {@code refused}, then
         * {@link WriteRefused} is thrown so a script stops. */
        REFUSED;

        /** The audit log's {@code outcome} of a change that was not made: {@code dry-run}, {@code declined}, ... */
        public String auditOutcome() {
            return switch (this) {
                case DRY_RUN -> "dry-run";
                case DECLINED -> "declined";
                case REFUSED -> "refused";
                case WRITE -> throw new IllegalStateException("a write has per-host outcomes");
            };
        }
    }

    /**
     * @param decidedBy how the decision was made, recorded in the audit log as {@code parameters.approval}:
     *     {@code --confirm}, {@code prompt}, {@code dry-run (no --confirm)}, {@code no terminal}, ...
     * @param explanation one line for the operator (why refused, how to proceed)
     */
    record Decision(Verdict verdict, String decidedBy, String explanation) {
        public Decision {
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(decidedBy, "decidedBy");
        }

        /** Fails closed: throws {@link WriteRefused} (the explanation, else "VERB refused") when the gate refused. */
        public void throwIfRefused(ActionPlan plan) {
            if (verdict == Verdict.REFUSED) {
                throw new WriteRefused(explanation == null ? plan.verb() + " refused" : explanation);
            }
        }
    }

    /** Always writes (tests, and front-ends that already have the operator's confirmation). */
    static WriteGate confirmed(String decidedBy) {
        return plan -> new Decision(Verdict.WRITE, decidedBy, null);
    }

    /** Never writes: dry run. */
    static WriteGate dryRun(String decidedBy) {
        return plan -> new Decision(Verdict.DRY_RUN, decidedBy, null);
    }
}
