package dev.fleetroll.rollout;

import java.util.Locale;

/**
 * Where one stage is (DESIGN.md section 7): Applied -> Waiting for assessment -> Advanced, or Paused when its gate
 * fails, or Rolled back. {@link #APPLYING} marks a stage whose pushes were started and not all recorded (interrupted,
 * crashed): applying it again is safe (a host that has the override reports unchanged).
 */
public enum StageState {
    /** Not started. */
    PENDING,
    /** Pushes under way (or interrupted): the next advance or resume applies the stage again. */
    APPLYING,
    /** Pushed and Puppet run: waiting for the soak to pass and the gate to be assessed. */
    APPLIED,
    /** Its gate passed (or was forced) and the rollout moved on. */
    ADVANCED,
    /** Its gate failed, or the operator paused the rollout here. */
    PAUSED,
    /** The rollout was rolled back. */
    ROLLED_BACK;

    public String label() {
        return switch (this) {
            case APPLIED -> "waiting for assessment";
            default -> name().toLowerCase(Locale.ROOT).replace('_', ' ');
        };
    }
}
