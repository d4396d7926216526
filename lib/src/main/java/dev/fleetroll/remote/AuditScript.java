package dev.fleetroll.remote;

import dev.fleetroll.puppet.HostPaths;
import dev.fleetroll.ssh.RemoteCommand;
import dev.fleetroll.util.Shell;
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
 * <p>Output protocol, version 1 (parsed by {@link AuditParser}): the line {@value #HEADER}; then {@code KEY=value}
 * lines, each value on one line; then the line {@value #END}, so truncated output is detectable. A probe that fails
 * leaves its key out. Keys:
 * <pre>
 * OS                 uname -s: Linux, Darwin (file paths follow it: Darwin uses the macOS paths, anything else Linux)
 * HOSTNAME           what the host calls itself (uname -n)
 * UPTIME_S           whole seconds since boot
 * ROLE_PRESENT       1 or 0: /etc/puppet_role exists
 * ROLE               its text, whitespace runs collapsed to one space (single line by construction)
 * OVERRIDE_PATH      the override file's path on this OS
 * OVERRIDE_PRESENT   1 or 0
 * OVERRIDE_STAT      "MODE OWNER GROUP SIZE MTIME": octal permission bits, user and group names, bytes, epoch seconds
 * OVERRIDE_SHA256    sha256 computed on the host
 * OVERRIDE_B64       the file's bytes, base64 (one line)
 * VAULT_PATH, VAULT_PRESENT, VAULT_STAT, VAULT_SHA256   as for the override
 * VAULT_B64          only when the script was built with fetchVault
 * PP_JSON_PATH       path of last_run_metadata.json when it exists, and
 * PP_JSON_B64        its bytes, base64
 * PP_SUMMARY_PATH    otherwise the first Puppet last_run_summary.yaml found, and
 * PP_SUMMARY_B64     its bytes, base64
 * WORKER_RUNNING     1 or 0: a generic-worker process runs
 * </pre>
 *
 * <p>Cost on the host, Linux: OS, hostname, uptime, role and the process scan use only shell builtins; one
 * {@code stat} and one sha256 process cover both files; one {@code base64} per blob (override, metadata, and the
 * vault when fetched). macOS adds {@code uname}, {@code sysctl}, {@code date} and {@code pgrep}.
 */
public final class AuditScript {
    public static final String PROTOCOL = "v1";
    public static final String HEADER = "FLEETROLL_AUDIT v1";
    public static final String END = "END";

    private static final String RESOURCE = "audit-v1.sh";
    private static final String TEMPLATE = load();

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

    /** The script text, to run with {@code sh}. */
    public String text() {
        return text;
    }

    /** The exact command line one would pass to {@code ssh HOST}: {@code sh -c '<script>'}. */
    public String wrapped() {
        return "sh -c " + Shell.quote(text);
    }

    /** The command for a {@link dev.fleetroll.ssh.RemoteExecutor}: runs as root. */
    public RemoteCommand command() {
        return RemoteCommand.asRoot(text);
    }

    @Override
    public String toString() {
        return "AuditScript[" + PROTOCOL + (fetchVault ? ", fetch vault" : "") + "]";
    }

    /** The resource without its comment lines: they would cost bytes on every connection. */
    private static String load() {
        try (InputStream in = AuditScript.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (HostPaths p : HostPaths.values()) {
                raw = raw.replace("@" + p.name() + "_OVERRIDE@", Shell.quote(p.override()))
                        .replace("@" + p.name() + "_VAULT@", Shell.quote(p.vault()))
                        .replace("@" + p.name() + "_METADATA@", Shell.quote(p.metadata()));
            }
            raw = raw.replace("@ROLE@", Shell.quote(HostPaths.ROLE));
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
