package dev.fleetroll.ops.write;

import dev.fleetroll.ops.WriteGate;
import dev.fleetroll.ops.WritePlan;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import java.util.List;

/**
 * {@code setVault(file, reason:, mode:, owner:, group:, backup:)} and {@code fleetroll host-set-vault}: writes
 * {@code vault.yaml} on hosts — validated as one YAML mapping first, written atomically; an existing vault is
 * replaced (after a backup), {@code unchanged} where identical. The content never appears in plans, messages or
 * the audit log (only its sha256); the local copy is kept mode 0600.
 *
 * <pre>{@code
 * WriteResults r = new SetVault(ctx).run(hosts, WriteSource.file(path),
 *         WriteOptions.fromMap(WriteAction.VAULT_SET, namedArgs), gate, listener, cancellation);
 * }</pre>
 */
public final class SetVault {
    private final WriteEngine engine;

    public SetVault(WriteContext ctx) {
        this.engine = new WriteEngine(ctx, WriteAction.VAULT_SET);
    }

    /** Validates and plans; touches no host and writes no audit record. */
    public WritePlan plan(List<String> hosts, WriteSource source, WriteOptions options) {
        return engine.plan(hosts, source, options);
    }

    /**
     * Validates (an invalid vault throws {@link dev.fleetroll.puppet.InvalidFileError} that never quotes it),
     * plans, asks {@code gate}, writes, audits each host and re-audits the touched hosts.
     *
     * @throws WriteRefused when the gate refuses (fail closed)
     */
    public WriteResults run(List<String> hosts, WriteSource source, WriteOptions options, WriteGate gate,
                            BatchListener listener, Cancellation cancellation) {
        return engine.run(hosts, source, options, gate, listener, cancellation);
    }
}
