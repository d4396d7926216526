package dev.fleetroll.rollout;

import dev.fleetroll.UserError;

/** Another console (or script) is advancing, rolling back or finalizing the rollout right now. */
public final class RolloutBusy extends UserError {
    public RolloutBusy(String message) {
        super(message);
    }
}
