package dev.fleetroll.store

import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.FileFacts
import dev.fleetroll.state.Observation
import dev.fleetroll.state.OverrideSettings
import dev.fleetroll.state.PuppetRun
import java.time.Instant

/** Observation builders for store specs and the concurrent writer processes. */
class Observations {
    static Observation ok(String host, Instant ts, String role = 'gecko_t_linux_talos') {
        new Observation(host, ts, Outcome.OK, null, 0, 420, 'Linux', host, 86_400L, role,
                new FileFacts('/etc/puppet/ronin_settings', '644', 'root', 'root', 120L, Instant.parse('2024-05-01T12:00:00Z'), 'ab' * 32),
                new OverrideSettings('https://github.com/jdoe/ronin_puppet.git', 'fix', 'jdoe@example.com', null),
                new FileFacts('/root/vault.yaml', '600', 'root', 'root', 2048L, Instant.parse('2024-04-01T00:00:00.5Z'), 'cd' * 32),
                new PuppetRun('metadata', 1, Instant.parse('2024-05-01T12:00:00Z'), 312.5d, true, 2, role,
                        'https://github.com/jdoe/ronin_puppet.git', 'fix', '01' * 20, false, '/root/vault.yaml', 'cd' * 32,
                        '/etc/puppet/ronin_settings', 'ab' * 32),
                true, ['host stderr: something'])
    }

    static Observation failed(String host, Instant ts, Outcome outcome = Outcome.UNREACHABLE, String error = 'connection refused') {
        Observation.failed(host, ts, outcome, error, null, 10_000)
    }
}
