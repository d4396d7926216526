package dev.fleetroll.rollout;

import java.util.Locale;

/** Where a whole rollout is. */
public enum RolloutState {
    /** Stages are being applied and advanced. */
    ACTIVE,
    /** A gate failed, or an operator paused it: no advance until {@code resume}. */
    PAUSED,
    /** Every stage passed its gate; {@code finalize} removes the overrides once the branch is merged. */
    COMPLETE,
    /** The override was taken back from every host that got it. */
    ROLLED_BACK,
    /** The overrides were removed after the merge; nothing more can happen. */
    FINALIZED;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Rolled back or finalized: nothing more can happen to it. */
    public boolean ended() {
        return this == ROLLED_BACK || this == FINALIZED;
    }

    public static RolloutState fromLabel(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
