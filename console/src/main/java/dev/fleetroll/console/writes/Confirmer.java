package dev.fleetroll.console.writes;

import dev.fleetroll.ops.ActionPlan;

/**
 * Asks the operator to confirm a write after showing its plan — the REPL's {@code [y/N]}. The REPL implements it
 * with JLine (its {@code LineReader}, so history and Ctrl-C behave); {@link StreamConfirmer} is the plain-stream
 * reference implementation.
 *
 * <p>Contract: show {@code renderedPlan} (already formatted by {@link PlanFormatter}, ends with a newline), then ask
 * {@code Write to N hosts? [y/N]}; return true only for an explicit {@code y} or {@code yes} (any case). Empty input,
 * anything else, end of input and Ctrl-C are no. Never called without a terminal: {@link ConsoleWriteGate} refuses
 * instead.
 */
@FunctionalInterface
public interface Confirmer {
    boolean confirm(ActionPlan plan, String renderedPlan) throws InterruptedException;

    /** The question, so every implementation asks the same way. */
    static String question(ActionPlan plan) {
        int n = plan.hosts().size();
        return plan.title().substring(0, 1).toUpperCase() + plan.title().substring(1)
                + " on " + n + " host" + (n == 1 ? "" : "s") + "? [y/N] ";
    }

    static boolean isYes(String answer) {
        if (answer == null) {
            return false;
        }
        String a = answer.strip().toLowerCase(java.util.Locale.ROOT);
        return a.equals("y") || a.equals("yes");
    }
}
