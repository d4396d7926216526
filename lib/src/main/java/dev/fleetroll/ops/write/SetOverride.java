package dev.fleetroll.ops.write;

import dev.fleetroll.ops.WriteGate;
import dev.fleetroll.ops.WritePlan;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import java.util.List;

/**
 * {@code setOverride(file or text, reason:, mode:, owner:, group:, backup:, force:)} and
 * {@code fleetroll host-set-override}: writes the override file ({@code ronin_settings}) on hosts — validated
 * first, written atomically, refused on a host that already has a <em>different</em> override unless
 * {@code force} (decided on the host), {@code unchanged} where it is already current.
 *
 * <pre>{@code
 * WriteResults r = new SetOverride(ctx).run(hosts, WriteSource.file(path),
 *         WriteOptions.fromMap(WriteAction.OVERRIDE_SET, namedArgs), gate, listener, cancellation);
 * }</pre>
 */
public final class SetOverride {
    private final WriteEngine engine;

    public SetOverride(WriteContext ctx) {
        this.engine = new WriteEngine(ctx, WriteAction.OVERRIDE_SET);
    }

    /** Validates and plans; touches no host and writes no audit record. */
    public WritePlan plan(List<String> hosts, WriteSource source, WriteOptions options) {
        return engine.plan(hosts, source, options);
    }

    /**
     * Validates (an invalid file throws {@link dev.fleetroll.puppet.InvalidFileError}, audited as {@code invalid}),
     * plans, asks {@code gate}, writes, audits each host and re-audits the touched hosts.
     *
     * @throws WriteRefused when the gate refuses (fail closed)
     */
    public WriteResults run(List<String> hosts, WriteSource source, WriteOptions options, WriteGate gate,
                            BatchListener listener, Cancellation cancellation) {
        return engine.run(hosts, source, options, gate, listener, cancellation);
    }
}
