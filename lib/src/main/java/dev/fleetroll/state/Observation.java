package dev.fleetroll.state;

import dev.fleetroll.ssh.Outcome;
import java.time.Instant;
import java.util.List;

/**
 * One audit of one host: what it reported, or why it could not be asked. Failed and unreachable audits are
 * observations too (outcome and error set, facts null), so "down since 14:02" is visible.
 *
 * <p>Facts the host did not report, or that could not be parsed, are null and explained in {@code warnings};
 * garbage output never makes an audit throw.
 *
 * @param ts when the audit finished, millisecond precision
 * @param os {@code uname -s}: {@code Linux}, {@code Darwin}, ...
 * @param hostname what the host calls itself
 * @param role contents of {@code /etc/puppet_role} (whitespace collapsed); null when the file is absent
 * @param override the override file; null when absent
 * @param overrideSettings the override's assignments; null when absent or unparseable
 * @param vault the vault file (content is never part of an observation); null when absent
 * @param puppet the last Puppet run; null when the host has no record of one
 * @param workerRunning whether a {@code generic-worker} process runs
 * @param memo what the next audit may reuse for files that did not change; null for failed audits, observations
 *             stored before fleetroll kept one, and audits whose output had problems
 */
public record Observation(
        String host,
        Instant ts,
        Outcome outcome,
        String error,
        Integer exitCode,
        long elapsedMs,
        String os,
        String hostname,
        Long uptimeSeconds,
        String role,
        FileFacts override,
        OverrideSettings overrideSettings,
        FileFacts vault,
        PuppetRun puppet,
        Boolean workerRunning,
        List<String> warnings,
        AuditMemo memo) {

    public Observation {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** An observation without a memo. */
    public Observation(String host, Instant ts, Outcome outcome, String error, Integer exitCode, long elapsedMs, String os,
                       String hostname, Long uptimeSeconds, String role, FileFacts override,
                       OverrideSettings overrideSettings, FileFacts vault, PuppetRun puppet, Boolean workerRunning,
                       List<String> warnings) {
        this(host, ts, outcome, error, exitCode, elapsedMs, os, hostname, uptimeSeconds, role, override, overrideSettings,
                vault, puppet, workerRunning, warnings, null);
    }

    /** This observation with other warnings and memo. */
    public Observation withWarnings(List<String> w, AuditMemo m) {
        return new Observation(host, ts, outcome, error, exitCode, elapsedMs, os, hostname, uptimeSeconds, role, override,
                overrideSettings, vault, puppet, workerRunning, w, m);
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    /** An observation for a host that could not be audited. */
    public static Observation failed(String host, Instant ts, Outcome outcome, String error, Integer exitCode, long elapsedMs) {
        return new Observation(host, ts, outcome, error, exitCode, elapsedMs, null, null, null, null, null, null, null,
                null, null, List.of(), null);
    }
}
