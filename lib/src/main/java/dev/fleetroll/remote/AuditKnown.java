package dev.fleetroll.remote;

import dev.fleetroll.state.AuditMemo;
import dev.fleetroll.state.FileFacts;
import dev.fleetroll.state.Observation;
import dev.fleetroll.util.Shell;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What an earlier audit of a host saw, handed to the next audit script as shell assignments in front of it
 * ({@code k_os=... k_ovr=...}) so that files whose stat line did not change are not hashed and sent again (audit
 * protocol v2; see {@link AuditScript}). Every value is optional; {@link #NONE} asks for a full audit.
 *
 * <p>When known values are given ({@link #from}): the known observation is a successful audit with a memo of this
 * fleetroll's {@link AuditMemo#VERSION}; the host still has the OS it had then, and file values are used only in the
 * same boot (host clock minus uptime within 2 s of the known one; both checked on the host, so a reboot, or a clock
 * that jumped, means a full audit); and for each file,
 * its ctime in the known stat line is at least {@value #SETTLE_SECONDS} s older than the host's clock when that stat
 * ran (not the client's clock, which may be off). That last rule is what makes an equal stat
 * line proof of an unchanged file: any change after that stat gets a later ctime second, while a change in the very
 * second of the known ctime could have slipped between the stat and the hash. A rename over the file changes the
 * inode. The override is known only when its content is in the local content store; the vault only when its content
 * is not being fetched.
 *
 * @param os the known OS; known values hold only when the host reports the same
 * @param shell the resident shell id the known audit ran in: in the same shell the script trusts the known OS and
 *              skips {@code uname}
 * @param boot the host's boot time (epoch seconds: its clock minus its uptime) at the known audit; without it, no file
 *             values are used
 * @param override the override's known stat line, and {@code overrideSha} its sha256
 * @param vault the vault's known stat line, and {@code vaultSha} its sha256
 * @param puppetPath the run record that was read, and {@code puppet} its stat line
 */
public record AuditKnown(String os, String shell, Long boot, String override, String overrideSha, String vault,
                         String vaultSha, String puppetPath, String puppet) {
    /** Nothing known: a full audit. */
    public static final AuditKnown NONE = new AuditKnown(null, null, null, null, null, null, null, null, null);
    /** How much older than the known stat a file's ctime must be for its stat line to be trusted. */
    public static final long SETTLE_SECONDS = 2;

    private static final Pattern STAT7 = Pattern.compile("[0-7]{1,4} \\S+ \\S+ \\d{1,18} -?\\d{1,18} \\d{1,20} (\\d{1,18})");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{32}");

    /**
     * The known values from {@code known} (the host's newest successful observation, or null) under the rules above.
     *
     * @param overrideStored whether the local content store holds the override content with that sha256
     * @param fetchVault whether this audit fetches the vault body (then the vault is always read)
     */
    public static AuditKnown from(Observation known, Predicate<String> overrideStored, boolean fetchVault) {
        if (known == null || !known.ok() || known.os() == null || known.os().isBlank() || known.ts() == null) {
            return NONE;
        }
        AuditMemo m = known.memo();
        if (m == null || m.version() != AuditMemo.VERSION) {
            return NONE;
        }
        String shell = m.shell() != null && TOKEN.matcher(m.shell()).matches() ? m.shell() : null;
        Long boot = m.clock() != null && known.uptimeSeconds() != null ? m.clock() - known.uptimeSeconds() : null;
        if (boot == null || boot <= 0) {
            return new AuditKnown(known.os(), shell, null, null, null, null, null, null, null);
        }
        long clock = m.clock();

        String ovr = null;
        String ovrSha = null;
        FileFacts o = known.override();
        if (o != null && settled(m.override(), clock) && validSha(o.sha256()) && known.overrideSettings() != null
                && overrideStored != null && overrideStored.test(o.sha256())) {
            ovr = m.override();
            ovrSha = o.sha256();
        }
        String vlt = null;
        String vltSha = null;
        FileFacts v = known.vault();
        if (!fetchVault && v != null && settled(m.vault(), clock) && validSha(v.sha256())) {
            vlt = m.vault();
            vltSha = v.sha256();
        }
        String ppPath = null;
        String pp = null;
        if (known.puppet() != null && m.puppetPath() != null && !m.puppetPath().isBlank() && settled(m.puppet(), clock)) {
            ppPath = m.puppetPath();
            pp = m.puppet();
        }
        return new AuditKnown(known.os(), shell, boot, ovr, ovrSha, vlt, vltSha, ppPath, pp);
    }

    /** True when {@code stat} is a full stat line whose ctime is at least {@link #SETTLE_SECONDS} before {@code clock}. */
    static boolean settled(String stat, long clock) {
        if (stat == null) {
            return false;
        }
        var mt = STAT7.matcher(stat);
        if (!mt.matches()) {
            return false;
        }
        long ctime = Long.parseLong(mt.group(1));
        return ctime > 0 && ctime <= clock - SETTLE_SECONDS;
    }

    private static boolean validSha(String sha) {
        return sha != null && SHA256.matcher(sha).matches();
    }

    /** True when nothing is known. */
    public boolean isEmpty() {
        return equals(NONE);
    }

    /** The line put in front of the audit script: every variable assigned, empty when unknown, each value quoted. */
    public String assignments() {
        return "k_os=" + q(os) + " k_shell=" + q(shell) + " k_boot=" + (boot == null ? "" : boot.toString())
                + " k_ovr=" + q(override) + " k_ovr_sha=" + q(overrideSha)
                + " k_vlt=" + q(vault) + " k_vlt_sha=" + q(vaultSha) + " k_pp_path=" + q(puppetPath) + " k_pp=" + q(puppet)
                + "\n";
    }

    private static String q(String v) {
        return v == null ? "" : Shell.quote(v);
    }
}
