package dev.fleetroll.state;

import java.time.Instant;

/**
 * The host's last Puppet run, from {@code last_run_metadata.json} (schema version 1, written by the run-puppet
 * wrapper) or, where that file is missing, from Puppet's own {@code last_run_summary.yaml}. Unknown values are null.
 *
 * @param source {@code metadata} or {@code summary}
 * @param success true when the run exited 0 or 2
 * @param overrideSha sha256 of the override file the run applied (null: none, or unknown)
 */
public record PuppetRun(
        String source,
        Integer schemaVersion,
        Instant at,
        Double durationS,
        Boolean success,
        Integer exitCode,
        String role,
        String gitRepo,
        String gitBranch,
        String gitSha,
        Boolean gitDirty,
        String vaultPath,
        String vaultSha,
        String overridePath,
        String overrideSha) {}
