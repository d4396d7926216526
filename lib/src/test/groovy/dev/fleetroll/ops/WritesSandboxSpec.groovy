package dev.fleetroll.ops

import dev.fleetroll.ops.write.SetOverride;
import dev.fleetroll.ops.write.SetVault;
import dev.fleetroll.ops.write.UnsetOverride;
import dev.fleetroll.ops.write.WriteAction;
import dev.fleetroll.ops.write.WriteContext;
import dev.fleetroll.ops.write.WriteOptions;
import dev.fleetroll.ops.write.WriteOutcome;
import dev.fleetroll.ops.write.WriteResults;
import dev.fleetroll.ops.write.WriteSource;
import dev.fleetroll.config.Workspace
import dev.fleetroll.inventory.Inventory
import dev.fleetroll.sandbox.FleetPlan
import dev.fleetroll.sandbox.SandboxFixture
import dev.fleetroll.sandbox.SandboxHost
import dev.fleetroll.ssh.BatchListener
import dev.fleetroll.ssh.Cancellation
import dev.fleetroll.state.Observation
import dev.fleetroll.state.Verdicts
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Timeout

import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest

/**
 * The write operations against the sandbox fleet (real sshd hosts with their own /etc, /root, run-puppet.sh and
 * metadata): default paths on Linux and macOS-like hosts, the re-audit, the headline one-liner through run-puppet,
 * and the connection cut mid-write. Everything is read back on the hosts themselves.
 *
 * <p>Fleet: ms-001 clean, ms-002 override-applied (resolverd-fix), ms-003 override-pending (netperf-tuning),
 * ms-004 failed-run, macmini-r8-001 override-applied (resolverd-fix). Features run in order on the one fleet.
 */
@Timeout(900)
@Requires({ SandboxFixture.supported() })
class WritesSandboxSpec extends Specification {
    static final String CANARY = FleetPlan.overrideFor('canary')

    @Shared @AutoCleanup SandboxFixture sandbox = SandboxFixture.start(5)
    @Shared Path project

    Workspace ws
    DefaultFleet fleet
    WriteContext ctx

    def setupSpec() {
        project = Files.createTempDirectory('fleetroll-writes-project-')
        Files.createDirectories(project.resolve('configs/overrides'))
        project.resolve('configs/overrides/netperf-tuning.override').text = FleetPlan.overrideFor(FleetPlan.BRANCH_NETPERF)
    }

    def cleanupSpec() {
        project?.toFile()?.deleteDir()
    }

    def setup() {
        ws = sandbox.workspace(project)
        fleet = DefaultFleet.open(ws)
        ctx = WriteContext.of(fleet, [USER: 'tester'])
    }

    def cleanup() {
        fleet?.close()
    }

    /** DESIGN.md section 3's {@code applied}, from its one definition. */
    static boolean applied(Observation o) {
        Verdicts.applied(o.override(), o.puppet())
    }

    static String sha(String s) {
        MessageDigest.getInstance('SHA-256').digest(s.getBytes('UTF-8')).encodeHex().toString()
    }

    static String shortName(String fqdn) {
        fqdn.takeWhile { it != '.' }
    }

    List<String> all() {
        new Inventory(ws).resolve(['sandbox'])
    }

    List<String> notApplied(AuditReport report) {
        report.observations().findAll { it.ok() && !applied(it) }*.host()
    }

    AuditReport audit(List<String> hosts) {
        fleet.audit(hosts, BatchListener.NONE, Cancellation.none())
    }

    WriteResults set(List<String> hosts, WriteSource source, Map o = [:]) {
        new SetOverride(ctx).run(hosts, source, WriteOptions.fromMap(WriteAction.OVERRIDE_SET, o),
                WriteGate.confirmed('--confirm'), BatchListener.NONE, Cancellation.none())
    }

    /** {@code mode owner group} as the host's own stat reports it (BSD stat on the macOS-like hosts). */
    String stat(SandboxHost h, String path) {
        String cmd = h.os().name() == 'MACOS' ? "stat -f '%Lp %Su %Sg' ${path}" : "stat -c '%a %U %G' ${path}"
        def r = sandbox.exec(h.name(), cmd)
        assert r.ok(): r.stderr()
        r.out()
    }

    def "the headline: hosts('sandbox').audit().where { !applied }.setOverride(file(...)), then run-puppet there: applied everywhere"() {
        given:
        List<String> hosts = all()
        def file = WriteSource.file(project.resolve('configs/overrides/netperf-tuning.override'))
        String text = new String(file.bytes(), 'UTF-8')
        String fqdn3 = 't-linux64-ms-003.sandbox.test'
        String fqdn4 = 't-linux64-ms-004.sandbox.test'

        when: 'audit, where { !applied }, setOverride(file, reason: "canary")'
        def report = audit(hosts)
        def targets = notApplied(report)
        def r = set(targets, file, [reason: 'canary'])

        then: 'only the two hosts whose override is not applied were written to'
        hosts.size() == 5
        targets == [fqdn3, fqdn4]
        r.unchanged() == [fqdn3]  // its pending override is this very file
        r.changed() == [fqdn4]
        sandbox.readHostFile('t-linux64-ms-004', '/etc/puppet/ronin_settings') == text
        sandbox.readHostFile('t-linux64-ms-001', '/etc/puppet/ronin_settings') == null

        and: 'the re-audit stored the new state: the override is there, not applied yet'
        def now = fleet.latest([fqdn4])[fqdn4]
        now.override().sha256() == sha(text)
        !applied(now)

        when: "the sandbox's run-puppet.sh on those hosts, over SSH, then audit"
        def runs = targets.collect { sandbox.exec(shortName(it), 'run-puppet.sh', java.time.Duration.ofSeconds(120)) }
        def after = audit(hosts)

        then: 'ms-003 applied it; ms-004 is the failed-run host: its puppet still fails'
        runs*.exitCode() == [2, 1]
        notApplied(after) == [fqdn4]

        when: 'its puppet is fixed and runs again'
        sandbox.setPuppetFailing('t-linux64-ms-004', false)
        def again = sandbox.exec('t-linux64-ms-004', 'run-puppet.sh', java.time.Duration.ofSeconds(120))
        def last = audit(hosts)

        then: 'where { !applied } is empty, and both hosts run the pushed override'
        again.exitCode() == 2
        notApplied(last).isEmpty()
        last.observations().findAll { it.host() in targets }.every {
            it.puppet().overrideSha() == sha(text) && it.puppet().gitBranch() == 'netperf-tuning'
        }
    }

    def "macOS-like hosts look like macOS to the audit and the write scripts: uname says Darwin, gid 0 is wheel"() {
        given:
        def mac = sandbox.host('macmini-r8-001')

        when:
        def o = fleet.latest([mac.fqdn()])[mac.fqdn()] ?: audit([mac.fqdn()]).observations()[0]

        then:
        sandbox.exec(mac.name(), 'uname -s').out() == 'Darwin'
        stat(mac, '/var/root/vault.yaml') == '600 root wheel'
        o.os() == 'Darwin'
        o.override().path() == '/opt/puppet_environments/ronin_settings'
        o.vault().path() == '/var/root/vault.yaml'
    }

    def "default paths on Linux and macOS-like hosts: set, blocked, forced with backup, unchanged, unset; stat on the host"() {
        given:
        def linux = sandbox.host('t-linux64-ms-001')
        def mac = sandbox.host('macmini-r8-001')
        List<String> both = [linux.fqdn(), mac.fqdn()]

        when: 'ms-001 has no override: written; the mac has a different one: blocked'
        def r1 = set(both, WriteSource.text(CANARY))

        then:
        r1.changed() == [linux.fqdn()]
        r1.blocked() == [mac.fqdn()]
        sandbox.readHostFile(linux.name(), '/etc/puppet/ronin_settings') == CANARY
        stat(linux, '/etc/puppet/ronin_settings') == '644 root root'
        sandbox.readHostFile(mac.name(), '/opt/puppet_environments/ronin_settings') == mac.override()
        r1.hosts().collect { it.reply().os() } == ['Linux', 'Darwin']

        when: 'forced on the mac: replaced after a backup, group auto = wheel'
        def r2 = set([mac.fqdn()], WriteSource.text(CANARY), [force: true, reason: 'canary on mac'])
        def backup = r2.hosts()[0].reply().backup()

        then:
        r2.changed() == [mac.fqdn()]
        backup.startsWith('/opt/puppet_environments/ronin_settings.bak.')
        sandbox.readHostFile(mac.name(), '/opt/puppet_environments/ronin_settings') == CANARY
        sandbox.readHostFile(mac.name(), backup) == mac.override()
        stat(mac, '/opt/puppet_environments/ronin_settings') == '644 root wheel'

        and: 'the re-audits stored what is on the hosts now'
        fleet.latest(both).values().every { it.override().sha256() == sha(CANARY) }

        when: 'again: unchanged on both'
        def r3 = set(both, WriteSource.text(CANARY))

        then:
        r3.unchanged() == both

        when: 'unset both'
        def r4 = new UnsetOverride(ctx).run(both, WriteOptions.DEFAULTS.withReason('done'), WriteGate.confirmed('--confirm'),
                BatchListener.NONE, Cancellation.none())

        then:
        r4.changed() == both
        sandbox.readHostFile(linux.name(), '/etc/puppet/ronin_settings') == null
        sandbox.readHostFile(mac.name(), '/opt/puppet_environments/ronin_settings') == null
        sandbox.readHostFile(linux.name(), r4.hosts()[0].reply().backup()) == CANARY
        fleet.latest(both).values().every { it.ok() && it.override() == null }
    }

    def "vault set on the default paths: content, mode 0640, backup of the old vault; the audit sees the new sha"() {
        given:
        def linux = sandbox.host('t-linux64-ms-002')
        def mac = sandbox.host('macmini-r8-001')
        String v = "taskcluster:\n  client_id: rotated\n  access_token: new-fake-token\n"

        when:
        def r = new SetVault(ctx).run([linux.fqdn(), mac.fqdn()], WriteSource.text(v), WriteOptions.DEFAULTS.withReason('rotate'),
                WriteGate.confirmed('--confirm'), BatchListener.NONE, Cancellation.none())

        then:
        r.changed() == [linux.fqdn(), mac.fqdn()]
        sandbox.readHostFile(linux.name(), '/root/vault.yaml') == v
        sandbox.readHostFile(mac.name(), '/var/root/vault.yaml') == v
        stat(linux, '/root/vault.yaml') == '640 root root'
        stat(mac, '/var/root/vault.yaml') == '640 root wheel'
        sandbox.readHostFile(linux.name(), r.hosts()[0].reply().backup()) == linux.vault()
        fleet.latest([linux.fqdn(), mac.fqdn()]).values().every { it.vault().sha256() == sha(v) }
        !Files.readString(ws.home().auditLog()).contains('new-fake-token')
    }

    /** The sshd processes serving connections on the host (children of its listener), as global process handles. */
    List<ProcessHandle> sessions(String host) {
        long init = Long.parseLong(sandbox.hostDir(host).resolve('run/init.pid').text.trim())
        ProcessHandle.of(init).get().descendants().filter { ph ->
            ph.info().command().map { it.endsWith('/sshd') }.orElse(false) && ph.parent().map { it.pid() != init }.orElse(false)
        }.toList()
    }

    /** A directory as the host sees it, from outside (through its PID 1's root). */
    Path hostView(String host, String dir) {
        long init = Long.parseLong(sandbox.hostDir(host).resolve('run/init.pid').text.trim())
        Path.of("/proc/${init}/root${dir}")
    }

    def "the connection cut mid-write on /etc/puppet/ronin_settings leaves the old file (#how)"() {
        given: 'ms-002 holds a big override'
        def h = sandbox.host('t-linux64-ms-002')
        String oldText = WritesOverSshSpec.bigOverride('old', 8)
        String newText = WritesOverSshSpec.bigOverride('new', 8)
        assert set([h.fqdn()], WriteSource.text(oldText), [force: true, reaudit: false]).ok() == [h.fqdn()]
        Path etcPuppet = hostView(h.name(), '/etc/puppet')

        when: 'a forced write of a new one is cut while the host holds it after its first megabyte (7 MB still to come)'
        List<ProcessHandle> pooled = sessions(h.name())
        assert how == 'client' || !pooled.isEmpty()
        long at = 1024 * 1024
        sandbox.holdReceive(h.name(), at)
        Cancellation cancellation = new Cancellation()
        WriteResults[] result = new WriteResults[1]
        def t = Thread.start {
            result[0] = new SetOverride(ctx).run([h.fqdn()], WriteSource.text(newText),
                    WriteOptions.fromMap(WriteAction.OVERRIDE_SET, [force: true, reaudit: false]),
                    WriteGate.confirmed('--confirm'), BatchListener.NONE, cancellation)
        }
        long heldBytes = -1
        try {
            long deadline = System.nanoTime() + 120_000_000_000L
            while (!sandbox.receiveHeld(h.name()) && t.alive && System.nanoTime() < deadline) {
                Thread.sleep(5)
            }
            assert sandbox.receiveHeld(h.name()): "the host never held the write (write ended: ${!t.alive})"
            heldBytes = etcPuppet.toFile().listFiles().find { it.name.startsWith('.ronin_settings.fleetroll.') }?.length() ?: -1
            if (how == 'client') {
                cancellation.cancel('interrupted')
            } else {
                // the pooled connection's sessions, and any other one there now in case the write used a new one
                WriteHosts.freezeThenKill(pooled)
                WriteHosts.freezeThenKill(sessions(h.name()).findAll { !(it in pooled) })
            }
        } finally {
            sandbox.releaseReceive(h.name())
        }
        t.join(120_000)
        def leftovers = []
        for (int i = 0; i < 600; i++) {
            leftovers = etcPuppet.toFile().list().findAll { it.startsWith('.ronin_settings.fleetroll.') }
            if (leftovers.isEmpty()) {
                break
            }
            Thread.sleep(100)
        }
        def onHost = sandbox.exec(h.name(), 'sha256sum < /etc/puppet/ronin_settings').out().split(' ')[0]

        then:
        heldBytes == at
        !t.alive
        result[0].hosts()[0].outcome() == WriteOutcome.FAILED
        onHost == sha(oldText)
        leftovers.isEmpty()

        where:
        how << ['client', 'host sshd session killed']
    }
}
