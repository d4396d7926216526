package dev.fleetroll.ops.write;

import dev.fleetroll.UserError;
import dev.fleetroll.util.Durations;
import dev.fleetroll.util.NamedOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Per-call options of a write, mirroring the DSL's named arguments ({@code reason:, mode:, owner:, group:,
 * backup:, force:}). Null means "the configured default" ({@code writes:} in the configuration).
 *
 * @param path target path on the hosts; null = the file's default path for the host's OS
 * @param onlyIfSha unset only: remove the file only when it has this sha256 (else the host is {@code blocked})
 * @param reaudit re-audit the touched hosts afterwards so the store and the next {@code where} see the new state
 *     (default true)
 * @param timeout per-host command timeout; null = the configured SSH command timeout
 */
public record WriteOptions(String reason, String mode, String owner, String group, Boolean backup, boolean force,
                           String path, String onlyIfSha, Boolean reaudit, Duration timeout) {

    public static final WriteOptions DEFAULTS = new WriteOptions(null, null, null, null, null, false, null, null, null, null);

    public WriteOptions withReason(String r) {
        return new WriteOptions(r, mode, owner, group, backup, force, path, onlyIfSha, reaudit, timeout);
    }

    public WriteOptions withForce(boolean f) {
        return new WriteOptions(reason, mode, owner, group, backup, f, path, onlyIfSha, reaudit, timeout);
    }

    public boolean backupOrDefault() {
        return backup == null || backup;
    }

    public boolean reauditOrDefault() {
        return reaudit == null || reaudit;
    }

    /**
     * Options from DSL named arguments. Unknown names are an error with a suggestion; {@code mode} may be a string
     * ({@code '0644'}) or a Groovy octal literal ({@code 0644}); {@code timeout} a {@link Duration} or text
     * ({@code '30s'}).
     */
    public static WriteOptions fromMap(WriteAction action, Map<String, ?> named) {
        String reason = null;
        String mode = null;
        String owner = null;
        String group = null;
        Boolean backup = null;
        boolean force = false;
        String path = null;
        String onlyIfSha = null;
        Boolean reaudit = null;
        Duration timeout = null;
        for (Map.Entry<String, ?> e : named.entrySet()) {
            String k = e.getKey();
            Object v = e.getValue();
            if (!action.options().contains(k)) {
                if (k.equals("force") && action == WriteAction.VAULT_SET) {
                    throw new UserError("setVault: force has no meaning for vaults (an existing vault is always replaced,"
                            + " after a backup unless backup: false); drop it");
                }
                throw NamedOptions.unknown(action.verb(), k, action.options());
            }
            switch (k) {
                case "reason" -> reason = v == null ? null : v.toString();
                case "mode" -> mode = mode(action, v);
                case "owner" -> owner = v == null ? null : v.toString();
                case "group" -> group = v == null ? null : v.toString();
                case "backup" -> backup = bool(action, k, v);
                case "force" -> force = Boolean.TRUE.equals(bool(action, k, v));
                case "path" -> path = v == null ? null : v.toString();
                case "onlyIfSha" -> onlyIfSha = v == null ? null : v.toString().toLowerCase(Locale.ROOT);
                case "reaudit" -> reaudit = bool(action, k, v);
                case "timeout" -> timeout = duration(action, v);
                default -> throw new IllegalStateException(k);
            }
        }
        return new WriteOptions(reason, mode, owner, group, backup, force, path, onlyIfSha, reaudit, timeout);
    }

    private static String mode(WriteAction action, Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Number n) {
            // 0644 is a Groovy octal literal (420); 644 is decimal and would become 01204 (sticky, -w----r--). No
            // override or vault wants the setuid/setgid/sticky bits, so a number above 0777 is taken as that typo.
            // (Decimal typos at or below 511, such as 400 = 0620, cannot be told apart from octal literals.)
            if (n.doubleValue() != n.intValue() || n.intValue() < 0 || n.intValue() > 0777) {
                throw new UserError(action.verb() + ": mode " + n + " is not a file mode: write a number as an octal"
                        + " literal with a leading 0 (mode: 0" + n + ") or give a string (mode: '0" + n + "')");
            }
            return String.format("%04o", n.intValue());
        }
        return v.toString();
    }

    private static Boolean bool(WriteAction action, String k, Object v) {
        if (v == null || v instanceof Boolean) {
            return (Boolean) v;
        }
        throw new UserError(action.verb() + ": " + k + " must be true or false, not '" + v + "'");
    }

    private static Duration duration(WriteAction action, Object v) {
        if (v == null || v instanceof Duration) {
            return (Duration) v;
        }
        Duration d = Durations.tryParse(v.toString());
        if (d == null) {
            throw new UserError(action.verb() + ": timeout '" + v + "' is not a duration (use e.g. 30s, 5m)");
        }
        return d;
    }
}
