package dev.fleetroll.ops.write;

import dev.fleetroll.ops.WriteGate;
import dev.fleetroll.ops.WritePlan;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import java.util.List;

/**
 * {@code unsetOverride(reason:, backup:, onlyIfSha:)} and {@code fleetroll host-unset-override}: removes the
 * override file from hosts (after a backup unless {@code backup: false}); {@code unchanged} where there is none.
 * With {@code onlyIfSha} a host whose override has other content is {@code blocked} (rollbacks remove only what
 * they pushed).
 */
public final class UnsetOverride {
    private final WriteEngine engine;

    public UnsetOverride(WriteContext ctx) {
        this.engine = new WriteEngine(ctx, WriteAction.OVERRIDE_UNSET);
    }

    /** Plans; touches no host and writes no audit record. */
    public WritePlan plan(List<String> hosts, WriteOptions options) {
        return engine.plan(hosts, null, options);
    }

    /**
     * @throws WriteRefused when the gate refuses (fail closed)
     */
    public WriteResults run(List<String> hosts, WriteOptions options, WriteGate gate, BatchListener listener,
                            Cancellation cancellation) {
        return engine.run(hosts, null, options, gate, listener, cancellation);
    }
}
