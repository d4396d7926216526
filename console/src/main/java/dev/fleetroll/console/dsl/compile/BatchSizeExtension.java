package dev.fleetroll.console.dsl.compile;

import dev.fleetroll.UserError;
import dev.fleetroll.rollout.BatchSize;

/** {@code 10.percent} in rollout batches ({@code batches 10.percent, 25.percent, rest}). */
public final class BatchSizeExtension {
    private BatchSizeExtension() {}

    public static BatchSize getPercent(Number self) {
        if (self.doubleValue() != self.intValue()) {
            throw new UserError(self + ".percent: give a whole percentage");
        }
        return BatchSize.percent(self.intValue());
    }
}
