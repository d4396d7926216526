package dev.fleetroll.ops

import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.content.ContentStore
import dev.fleetroll.sandbox.HostOs
import dev.fleetroll.sandbox.SandboxFixture
import dev.fleetroll.sandbox.SandboxHost
import dev.fleetroll.ssh.BatchListener
import dev.fleetroll.ssh.Cancellation
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.Observation
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import java.time.Duration
import java.time.Instant

/**
 * Audits a real 5-host sandbox (sshd in namespaces) through DefaultFleet: every observed field equals what the
 * sandbox put on the host (Linux and the macOS-like host), and each failure mode is an outcome that is stored.
 * Features run in order on one fleet; faults are undone by the feature that made them.
 */
@Stepwise
@Requires({ SandboxFixture.supported() })
class AuditIntegrationSpec extends Specification {
    @Shared
    SandboxFixture fleet = SandboxFixture.start(5)
    @Shared
    Instant upAt = Instant.now()

    def cleanupSpec() {
        fleet?.close()
    }

    /** A workspace on the fixture's home. The sandbox's ssh_config sets ConnectTimeout 20, which wins over ssh.connect_timeout. */
    Workspace workspace(Map env = [:]) {
        def home = fleet.fleetrollHome()
        Workspace.of(home, null, [FLEETROLL_HOME: home.dir().toString()] + env)
    }

    AuditReport audit(List<String> hosts, DefaultFleet.Options options = DefaultFleet.Options.DEFAULT, Map env = [:]) {
        DefaultFleet f = DefaultFleet.open(workspace(env), options)
        try {
            return f.audit(hosts, BatchListener.NONE, Cancellation.none())
        } finally {
            f.close()
        }
    }

    static String sha256(String text) {
        MessageDigest.getInstance('SHA-256').digest(text.getBytes(StandardCharsets.UTF_8)).encodeHex().toString()
    }

    List<String> statOf(SandboxHost h, String path) {
        String cmd = h.os() == HostOs.MACOS ? "stat -f '%Lp %Su %Sg %z %m' $path" : "stat -c '%a %U %G %s %Y' $path"
        fleet.hostShell(h.name(), cmd).stdout().trim().split(' ') as List
    }

    def "every observed field equals what the sandbox put on each host, Linux and macOS-like"() {
        when:
        def report = audit(fleet.hosts()*.fqdn())
        Map<String, Observation> byHost = report.observations().collectEntries { [it.host(), it] }

        then:
        report.observations().size() == 5
        report.failed().isEmpty()
        fleet.hosts().any { it.os() == HostOs.MACOS }

        and:
        fleet.hosts().each { SandboxHost h ->
            Observation o = byHost[h.fqdn()]
            assert o.outcome() == Outcome.OK
            assert o.os() == h.os().uname()
            assert o.hostname() == h.name()
            assert o.role() == h.role()
            assert o.workerRunning()
            assert o.warnings().isEmpty()
            long sinceUp = Duration.between(upAt, Instant.now()).seconds
            assert o.uptimeSeconds() >= h.uptimeSeconds() - 5 && o.uptimeSeconds() <= h.uptimeSeconds() + sinceUp + 60
            if (h.override() == null) {
                assert o.override() == null && o.overrideSettings() == null
            } else {
                def s = statOf(h, h.overridePath())
                assert o.override().path() == h.overridePath()
                assert o.override().sha256() == sha256(h.override())
                assert [o.override().mode(), o.override().owner(), o.override().group(), o.override().size() as String,
                        o.override().mtime().epochSecond as String] == s
                assert o.overrideSettings().branch() == h.overrideBranch()
                assert o.overrideSettings().repo() == 'https://github.com/mozilla-platform-ops/ronin_puppet.git'
                // the content is kept locally, addressable by sha
                def stored = ContentStore.overrides(fleet.fleetrollHome()).get(o.override().sha256())
                assert new String(ContentStore.overrides(fleet.fleetrollHome()).read(stored.get()), 'UTF-8') == h.override()
            }
            if (h.vault() == null) {
                assert o.vault() == null
            } else {
                def s = statOf(h, h.vaultPath())
                assert o.vault().path() == h.vaultPath()
                assert o.vault().sha256() == sha256(h.vault())
                assert [o.vault().mode(), o.vault().owner(), o.vault().group(), o.vault().size() as String] == s[0..3]
            }
            Map m = h.metadataValues()
            if (m == null) {
                assert o.puppet() == null
            } else {
                assert o.puppet().source() == 'metadata'
                assert o.puppet().schemaVersion() == m.schema_version
                assert o.puppet().at() == Instant.parse(m.ts as String)
                assert o.puppet().success() == m.success
                assert o.puppet().exitCode() == m.exit_code
                assert o.puppet().role() == m.role
                assert o.puppet().gitRepo() == m.git_repo
                assert o.puppet().gitBranch() == m.git_branch
                assert o.puppet().gitSha() == m.git_sha
                assert o.puppet().gitDirty() == m.git_dirty
                assert o.puppet().overrideSha() == m.override_sha
                assert o.puppet().vaultSha() == m.vault_sha
            }
        }
        // no vault bodies were fetched: they are secrets
        !Files.exists(fleet.fleetrollHome().vaultYamls()) || Files.list(fleet.fleetrollHome().vaultYamls()).count() == 0
    }

    def "observations are stored, and the report groups overrides by sha"() {
        when:
        DefaultFleet f = DefaultFleet.open(workspace())
        def latest = f.latest(fleet.hosts()*.fqdn())
        def report = audit(fleet.hosts()*.fqdn())

        then:
        latest.size() == 5
        latest.values().every { it.ok() }
        report.overrides().values().flatten().toSet() == fleet.hosts().findAll { it.override() != null }*.fqdn().toSet()

        cleanup:
        f?.close()
    }

    def "a stopped sshd is stored as unreachable, with the time, while the rest of the batch is ok"() {
        given:
        def h = fleet.hosts()[0]
        fleet.stopSshd(h.name())

        when:
        def report = audit(fleet.hosts()*.fqdn())
        def o = report.observations().find { it.host() == h.fqdn() }
        DefaultFleet f = DefaultFleet.open(workspace())
        def stored = f.store().latest(h.fqdn()).get()
        def lastOk = f.store().latestOk(h.fqdn()).get()

        then:
        o.outcome() == Outcome.UNREACHABLE
        o.error().contains('refused')
        report.ok().size() == 4
        stored.outcome() == Outcome.UNREACHABLE
        stored.ts() == o.ts()
        lastOk.ok()
        f.store().failingSince(h.fqdn()).get() == o.ts()

        cleanup:
        f?.close()
        fleet.startSshd(h.name())
    }

    def "a tarpit times out within the connect timeout while the rest of the batch finishes"() {
        given:
        def h = fleet.hosts()[1]
        fleet.tarpit(h.name())

        when:
        def report = audit(fleet.hosts()*.fqdn())
        def o = report.observations().find { it.host() == h.fqdn() }

        then: 'timed-out for 20 s of silence (not before), the others all answered'
        o.outcome() == Outcome.TIMED_OUT
        o.error().contains('the server sent nothing for 20s')
        o.elapsedMs() >= 20_000 && o.elapsedMs() < 120_000
        report.ok()*.host().toSet() == (fleet.hosts()*.fqdn() - h.fqdn()).toSet()

        cleanup:
        fleet.untarpit(h.name())
    }

    def "a changed host key is host-key-mismatch naming the known_hosts line; policy 'no' accepts it"() {
        given:
        def h = fleet.hosts()[2]
        fleet.rekey(h.name())
        Path noPolicy = fleet.fleetrollHome().dir().resolve('ssh_config.no')
        noPolicy.text = fleet.sshConfig().text.replace('StrictHostKeyChecking accept-new', 'StrictHostKeyChecking no')

        when:
        def strict = audit([h.fqdn()]).observations()[0]
        def lax = audit([h.fqdn()], new DefaultFleet.Options(noPolicy, null, false)).observations()[0]

        then:
        strict.outcome() == Outcome.HOST_KEY_MISMATCH
        strict.error().contains(h.address()) || strict.error().contains(h.fqdn())
        strict.error() =~ /known_hosts:\d+/
        strict.error().contains('ssh-keygen -R')
        lax.outcome() == Outcome.OK
        lax.hostname() == h.name()

        cleanup:
        fleet.trustHostKey(h.name())
    }

    def "corrupt metadata gives an observation with puppet null and a warning, not a failure"() {
        given:
        def h = fleet.hosts()[3]
        fleet.corruptMetadata(h.name())

        when:
        def o = audit([h.fqdn()]).observations()[0]

        then:
        o.outcome() == Outcome.OK
        o.puppet() == null
        !o.warnings().isEmpty()
        o.warnings().any { it.toLowerCase().contains('metadata') }
        o.role() == h.role()
    }

    def "agent-only authentication works with no identity file configured"() {
        given: 'a real ssh-agent holding the sandbox client key, and an ssh config without IdentityFile'
        Path tmp = Files.createTempDirectory('fleetroll-agent-')
        Path sock = tmp.resolve('agent.sock')
        def agent = new ProcessBuilder('ssh-agent', '-D', '-a', sock.toString()).redirectErrorStream(true).start()
        long deadline = System.currentTimeMillis() + 5000
        while (!Files.exists(sock) && System.currentTimeMillis() < deadline) {
            sleep 50
        }
        def add = new ProcessBuilder('ssh-add', fleet.clientKey().toString()).redirectErrorStream(true)
        add.environment().put('SSH_AUTH_SOCK', sock.toString())
        def added = add.start()
        added.waitFor()
        Path config = tmp.resolve('ssh_config')
        config.text = fleet.sshConfig().readLines().findAll { !(it.trim() ==~ /(?i)(IdentityFile|IdentitiesOnly)\s.*/) }.join('\n') + '\n'
        def h = fleet.hosts()[4]

        when:
        def o = audit([h.fqdn()], new DefaultFleet.Options(config, null, false),
                [SSH_AUTH_SOCK: sock.toString(), HOME: tmp.toString()]).observations()[0]

        then:
        added.exitValue() == 0
        !config.text.contains('IdentityFile')
        o.outcome() == Outcome.OK
        o.hostname() == h.name()

        cleanup:
        agent?.destroy()
        agent?.waitFor()
        tmp?.toFile()?.deleteDir()
    }
}
