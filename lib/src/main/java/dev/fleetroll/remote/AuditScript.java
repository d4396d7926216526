package dev.fleetroll.remote;

import dev.fleetroll.ssh.SshjExecutor;
import dev.fleetroll.puppet.HostPaths;
import dev.fleetroll.ssh.RemoteCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * The one-round-trip audit script for Linux and macOS hosts (POSIX {@code sh}; GNU or BSD {@code stat};
 * {@code sha256sum}, {@code shasum} or {@code openssl}). It runs as root — the executor adds {@code sudo -n} for
 * other login users; the script never calls sudo.
 *
 * <p>Output protocol, version 2 (parsed by {@link AuditParser}, which also reads version 1): the line {@value #HEADER};
 * then {@code KEY=value} lines, each value on one line; then the line {@value #END}, so truncated output is
 * detectable. A probe that fails leaves its key out. Keys:
 * <pre>
 * OS                 uname -s: Linux, Darwin (file paths follow it: Darwin uses the macOS paths, anything else Linux)
 * OS_SAME            1 when uname was not run: the known OS, in the resident shell that saw it (see AuditKnown)
 * HOSTNAME           what the host calls itself (uname -n, or /proc/sys/kernel/hostname with OS_SAME)
 * RESIDENT           the resident shell's id ($FLEETROLL_RESIDENT) when the script ran in one
 * UPTIME_S           whole seconds since boot (macOS: CLOCK_S, or date, minus the boot time)
 * BOOT_SAME          1 when sysctl was not run (macOS): the known boot time, in the resident shell that saw it
 * ROLE_PRESENT       1 or 0: /etc/puppet_role exists
 * ROLE               its text, whitespace runs collapsed to one space (single line by construction)
 * OVERRIDE_PATH      the override file's path on this OS
 * OVERRIDE_PRESENT   1 or 0
 * OVERRIDE_STAT      "MODE OWNER GROUP SIZE MTIME INODE CTIME": octal permission bits, user and group names, bytes,
 *                    epoch seconds, inode number, epoch seconds (v1: the first five)
 * OVERRIDE_SAME      1 when the stat line equals the known one: OVERRIDE_SHA256 is the known sha, no OVERRIDE_B64
 * OVERRIDE_SHA256    sha256 computed on the host (or known, with OVERRIDE_SAME)
 * OVERRIDE_B64       the file's bytes, base64 (one line)
 * VAULT_PATH, VAULT_PRESENT, VAULT_STAT, VAULT_SAME, VAULT_SHA256   as for the override
 * VAULT_B64          only when the script was built with fetchVault (never VAULT_SAME then)
 * PP_JSON_PATH       path of last_run_metadata.json when it exists, and
 * PP_JSON_STAT       its stat line, and
 * PP_JSON_B64        its bytes, base64, or PP_JSON_SAME=1 when the stat line equals the known one
 * PP_SUMMARY_PATH    otherwise the first Puppet last_run_summary.yaml found, and
 * PP_SUMMARY_STAT, PP_SUMMARY_B64, PP_SUMMARY_SAME   as for the metadata
 * CLOCK_S            the host's clock (epoch seconds) at the stat: the ctime of the pipe stat wrote to
 * WORKER_RUNNING     1 or 0: a generic-worker process runs
 * </pre>
 *
 * <p>Known values ({@link AuditKnown}) go in front of the script as one line of quoted assignments; a file whose stat
 * line equals the known one is reported {@code _SAME} instead of being hashed and encoded again.
 *
 * <p>Cost on the host, Linux: OS, hostname, uptime, role and the process scan use only shell builtins; {@code uname}
 * once (not in the resident shell that made the known audit); one {@code stat} for every file; one sha256 process for
 * the files that changed; one {@code base64} per changed blob (override, run record, and the vault when fetched). A
 * repeated audit of an unchanged host in its resident shell runs {@code stat} only. macOS adds {@code uname} (no
 * /proc), {@code sysctl} for the boot time (not in the resident shell that made the known audit: a shell does not
 * outlive a reboot) and {@code pgrep}; {@code date} only when there is no file to stat (the stat gives the clock).
 * The whole output leaves in one write at the end (one SSH packet, not one per line).
 */
public final class AuditScript {
    public static final String PROTOCOL = "v2";
    public static final String HEADER = "FLEETROLL_AUDIT v2";
    public static final String END = "END";

    private static final String RESOURCE = "audit-v2.sh";
    private static final String TEMPLATE = load();
    /** The resident form: the script as a function, sent once per resident shell as the command's prelude. */
    private static final String FUNCTION_NAME = "fleetroll_audit_v2";
    private static final String FUNCTION = asFunction(TEMPLATE);

    private final boolean fetchVault;
    private final String text;

    private AuditScript(boolean fetchVault) {
        this.fetchVault = fetchVault;
        this.text = TEMPLATE.replaceFirst("(?m)^fetch_vault=0$", "fetch_vault=" + (fetchVault ? 1 : 0));
    }

    /** The audit script; with {@code fetchVault} it also returns the vault file's content (a secret). */
    public static AuditScript of(boolean fetchVault) {
        return new AuditScript(fetchVault);
    }

    /** The usual audit: no vault content. */
    public static AuditScript standard() {
        return of(false);
    }

    public boolean fetchVault() {
        return fetchVault;
    }

    /** The script text for a full audit (nothing known), to run with {@code sh}. */
    public String text() {
        return text(AuditKnown.NONE);
    }

    /** The script text with {@code known} values in front. */
    public String text(AuditKnown known) {
        return (known == null ? AuditKnown.NONE : known).assignments() + text;
    }

    /**
     * The exact command line fleetroll passes to {@code ssh root@HOST} for a full audit: {@code sh -c '<script>'}
     * (for another login user the executor puts {@code sudo -n} in front).
     */
    public String wrapped() {
        return SshjExecutor.commandLine(command(), "root");
    }

    /** The command for a {@link dev.fleetroll.ssh.RemoteExecutor}: a full audit, as root. */
    public RemoteCommand command() {
        return RemoteCommand.asRoot(text());
    }

    /**
     * The command with {@code known} values, as root, in the connection's resident shell. The script is a function
     * defined by the command's prelude (once per resident shell); each command sends the known values and calls it.
     * On a channel of its own (the resident shell busy) prelude and call run together, to the same effect as
     * {@link #text(AuditKnown)}.
     */
    public RemoteCommand command(AuditKnown known) {
        String call = (known == null ? AuditKnown.NONE : known).assignments() + "fetch_vault=" + (fetchVault ? 1 : 0)
                + "\n" + FUNCTION_NAME + "\n";
        return RemoteCommand.asRoot(call).inResidentShell().withPrelude(FUNCTION);
    }

    @Override
    public String toString() {
        return "AuditScript[" + PROTOCOL + (fetchVault ? ", fetch vault" : "") + "]";
    }

    /** The script as the body of a function; {@code fetch_vault} then comes from the caller. */
    private static String asFunction(String template) {
        String body = template.replaceFirst("(?m)^fetch_vault=0\n", "");
        if (body.equals(template)) {
            throw new IllegalStateException(RESOURCE + ": no 'fetch_vault=0' line");
        }
        return FUNCTION_NAME + "() {\n" + body + "}\n";
    }

    /** The resource without its comment lines: they would cost bytes on every connection. */
    private static String load() {
        try (InputStream in = AuditScript.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            String raw = HostPaths.fill(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            if (raw.matches("(?s).*@[A-Z_]+@.*")) {
                throw new IllegalStateException(RESOURCE + ": unreplaced placeholder");
            }
            return raw.lines()
                    .filter(l -> !l.stripLeading().startsWith("#"))
                    .collect(Collectors.joining("\n", "", "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
