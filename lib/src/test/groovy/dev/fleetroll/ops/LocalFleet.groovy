package dev.fleetroll.ops

import dev.fleetroll.config.Workspace
import dev.fleetroll.inventory.Inventory
import dev.fleetroll.ssh.BatchListener
import dev.fleetroll.ssh.Cancellation
import dev.fleetroll.ssh.ExecResult
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.ssh.RemoteCommand
import dev.fleetroll.state.FileFacts
import dev.fleetroll.state.Observation

import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import java.time.Duration
import java.time.Instant

/**
 * A Fleet for unit specs of the write pipeline: "hosts" are directories under {@code root}; a command runs locally
 * with sh after {@code /HOSTROOT} in its text is replaced by the host's directory. Hosts named {@code down*} are
 * unreachable. Not an SSH stand-in for integration specs (those use the sandbox).
 */
class LocalFleet implements Fleet {
    static final String HOSTROOT = '/HOSTROOT'
    final Workspace workspace
    final Path root
    final Map<String, Observation> stored = [:]
    final List<List<String>> audits = []
    final List<RemoteCommand> commands = []

    LocalFleet(Workspace workspace, Path root) {
        this.workspace = workspace
        this.root = root
    }

    Path dir(String host) {
        def d = root.resolve(host)
        Files.createDirectories(d)
        d
    }

    @Override Workspace workspace() { workspace }
    @Override Inventory inventory() { new Inventory(workspace) }
    @Override List<String> knownHosts() { stored.keySet().sort() }
    @Override Map<String, Observation> latest(List<String> hosts) { stored.subMap(hosts) }
    @Override Map<String, Observation> latestOk(List<String> hosts) { stored.subMap(hosts).findAll { it.value.ok() } }

    @Override
    AuditReport audit(List<String> hosts, BatchListener listener, Cancellation cancellation) {
        audits << hosts
        def obs = hosts.collect { h ->
            def f = dir(h).resolve('ronin_settings')
            def facts = Files.exists(f) ? new FileFacts(HOSTROOT + '/ronin_settings', '644', 'root', 'root', Files.size(f), Instant.now(), sha(f.bytes)) : null
            observation(h, facts)
        }
        obs.each { stored[it.host()] = it }
        new AuditReport(obs, [:], Duration.ZERO)
    }

    static Observation observation(String host, FileFacts override, FileFacts vault = null) {
        new Observation(host, Instant.parse('2026-08-13T09:00:00Z'), Outcome.OK, null, 0, 5, 'Linux', host, 100L, 'role',
                override, null, vault, null, true, [])
    }

    static String sha(byte[] b) {
        MessageDigest.getInstance('SHA-256').digest(b).encodeHex().toString()
    }

    @Override
    ExecReport exec(List<String> hosts, RemoteCommand command, BatchListener listener, Cancellation cancellation) {
        commands << command
        def results = hosts.collect { h ->
            if (h.startsWith('down')) {
                return new ExecResult(h, Outcome.UNREACHABLE, null, new byte[0], new byte[0], false, null,
                        'connection refused', Instant.now(), Duration.ZERO, 1)
            }
            def script = command.script().replace(HOSTROOT, dir(h).toString())
            def p = new ProcessBuilder('sh', '-c', script).start()
            def err = new ByteArrayOutputStream()
            def t = Thread.start { err << p.errorStream }
            def w = Thread.start {
                try { p.outputStream.withStream { if (command.stdin() != null) it.write(command.stdin()) } } catch (IOException ignored) {}
            }
            byte[] out = p.inputStream.bytes
            p.waitFor(); t.join(); w.join()
            int rc = p.exitValue()
            new ExecResult(h, rc == 0 ? Outcome.OK : Outcome.FAILED, rc, out, err.toByteArray(), false, null,
                    rc == 0 ? null : (err.toString().readLines().find() ?: "exit ${rc}".toString()), Instant.now(), Duration.ofMillis(3), 1)
        }
        new ExecReport(results, Duration.ZERO)
    }

    @Override void close() {}
}
