package dev.fleetroll.state

import dev.fleetroll.ssh.Outcome
import java.time.Duration
import java.time.Instant

/**
 * Builds observations for specs without SSH: {@code TestObservations.ok('h1', role: 'gecko', branch: 'fix')}.
 * Shared with the console module's specs through the test jar.
 */
class TestObservations {
    static final Instant NOW = Instant.parse('2026-11-20T12:00:00Z')
    static final String SHA_A = 'a' * 64
    static final String SHA_B = 'b' * 64

    /**
     * A successful observation. Options: ts (Instant), age (Duration before NOW), os, role, uptime (Duration),
     * override (sha or null), branch, repo, workerType, vault (sha), puppetAt (Instant), puppetAge (Duration),
     * success, exitCode, gitSha, gitBranch, applied (override sha the run applied), noPuppet.
     */
    static Observation ok(Map o = [:], String host) {
        Instant ts = o.ts ?: NOW - (o.age ?: Duration.ofMinutes(2))
        FileFacts override = o.containsKey('override') && o.override == null ? null
                : new FileFacts('/etc/puppet/ronin_settings', '644', 'root', 'root', 120L, ts, o.override ?: SHA_A)
        boolean hasOverride = !(o.containsKey('override') && o.override == null)
        OverrideSettings settings = hasOverride ? new OverrideSettings(o.repo ?: 'https://github.com/acme/ronin_puppet.git',
                o.containsKey('branch') ? o.branch : 'main', 'ops@example.com', o.workerType) : null
        FileFacts vault = o.containsKey('vault') && o.vault == null ? null
                : new FileFacts('/root/vault.yaml', '600', 'root', 'root', 10L, ts, o.vault ?: SHA_B)
        PuppetRun puppet = o.noPuppet ? null : new PuppetRun('metadata', 1, o.puppetAt ?: NOW - (o.puppetAge ?: Duration.ofHours(1)),
                30.5d, o.containsKey('success') ? o.success : true, o.exitCode ?: 0, o.role ?: 'gecko_t_linux',
                'https://github.com/acme/ronin_puppet.git', o.gitBranch ?: 'main', o.gitSha ?: ('c' * 40), false,
                '/root/vault.yaml', o.vault ?: SHA_B, '/etc/puppet/ronin_settings',
                o.containsKey('applied') ? o.applied : (hasOverride ? (o.override ?: SHA_A) : null))
        new Observation(host, ts, Outcome.OK, null, 0, 120L, o.os ?: 'Linux', host.tokenize('.')[0],
                (o.uptime ?: Duration.ofDays(3)).seconds, o.containsKey('role') ? o.role : 'gecko_t_linux',
                override, settings, vault, puppet, true, [])
    }

    /** A failed observation: {@code failed('h', Outcome.UNREACHABLE)}. */
    static Observation failed(String host, Outcome outcome = Outcome.UNREACHABLE) {
        failed([:], host, outcome)
    }

    static Observation failed(Map o, String host, Outcome outcome = Outcome.UNREACHABLE) {
        Observation.failed(host, o.ts ?: NOW - (o.age ?: Duration.ofMinutes(1)), outcome, o.error ?: "connection refused", null, 5L)
    }

    static HostState state(Map o = [:], String host) {
        def obs = ok(o, host)
        def notes = o.note ? [(host): o.note as HostNote] : [:]
        HostState.of(host, obs, obs, ExternalFacts.NONE.withNotes(notes), NOW)
    }
}
