package dev.fleetroll.sandbox

import dev.fleetroll.inventory.Inventory
import groovy.json.JsonSlurper
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import java.time.Duration
import java.time.Instant

/**
 * A real 5-host sandbox, checked with plain OpenSSH ({@code ssh -F <generated config>}): each host answers with its
 * own hostname, role, uptime and files; every fault knob does what it says; and down leaves nothing running.
 * Features run in order; the last one takes the fleet down.
 */
@Requires({ SandboxFixture.supported() })
class SandboxIntegrationSpec extends Specification {
    /** Taken before the fleet starts: a host's uptime counts from its launch, which a slow boot wait follows. */
    @Shared
    Instant upAt = Instant.now()
    @Shared
    @AutoCleanup
    SandboxFixture fleet = SandboxFixture.start(5)

    /** Plain OpenSSH with nothing but the generated config. */
    CommandResult ssh(String host, String command, int connectTimeout = 20) {
        def p = new ProcessBuilder('ssh', '-F', fleet.sshConfig().toString(), '-o', "ConnectTimeout=${connectTimeout}",
                host, command).redirectInput(new File('/dev/null')).start()
        def out = new StringBuilder()
        def err = new StringBuilder()
        p.waitForProcessOutput(out, err)
        new CommandResult(p.waitFor(), out.toString(), err.toString())
    }

    static String sha256(String s) {
        MessageDigest.getInstance('SHA-256').digest(s.getBytes('UTF-8')).encodeHex().toString()
    }

    def "five hosts: four Linux and one macOS-like, each with its scenario"() {
        expect:
        fleet.hosts()*.name() == ['t-linux64-ms-001', 't-linux64-ms-002', 't-linux64-ms-003', 't-linux64-ms-004', 'macmini-r8-001']
        fleet.hosts()*.os() == [HostOs.LINUX] * 4 + [HostOs.MACOS]
        fleet.hosts()*.scenario() == [Scenario.CLEAN, Scenario.OVERRIDE_APPLIED, Scenario.OVERRIDE_PENDING,
                                      Scenario.FAILED_RUN, Scenario.OVERRIDE_APPLIED]
        fleet.hosts()*.address() == (1..5).collect { "127.${fleet.slot()}.1.${it}".toString() }
        fleet.hosts()*.fqdn().every { it.endsWith('.sandbox.test') }
        fleet.status().hosts()*.state() == ['up'] * 5
        fleet.status().memoryBytes() > 0
    }

    def "#name answers over plain ssh -F with its own hostname, role, uptime, files and generic-worker"() {
        given:
        SandboxHost h = fleet.host(name)
        def separator = '@@@'
        def script = ["hostname", "uname -s", "cut -d' ' -f1 /proc/uptime",
                      "cat /etc/puppet_role 2>/dev/null || echo NO-ROLE",
                      "cat ${h.overridePath()} 2>/dev/null || echo NO-OVERRIDE",
                      "cat ${h.vaultPath()} 2>/dev/null || echo NO-VAULT",
                      "cat ${h.metadataPath()} 2>/dev/null || echo NO-METADATA",
                      "pgrep -c generic-worker"].join("; echo ${separator}; ")

        when:
        def r = ssh(h.fqdn(), script)
        def parts = r.stdout().split("${separator}\n", -1)*.toString()
        double uptime = parts[2].trim() as double
        double sinceUp = Duration.between(upAt, Instant.now()).toSeconds()

        then:
        r.exitCode() == 0
        parts[0].trim() == h.name()
        parts[1].trim() == h.os().uname()
        uptime >= h.uptimeSeconds() - 1
        uptime <= h.uptimeSeconds() + sinceUp + 30
        parts[3] == (h.role() == null ? 'NO-ROLE\n' : h.role() + '\n')
        parts[4] == (h.override() ?: 'NO-OVERRIDE\n')
        parts[5] == (h.vault() ?: 'NO-VAULT\n')
        parts[6] == (h.metadata() ?: 'NO-METADATA\n')
        parts[7].trim() == '1'

        where:
        name << ['t-linux64-ms-001', 't-linux64-ms-002', 't-linux64-ms-003', 't-linux64-ms-004', 'macmini-r8-001']
    }

    def "the short name reaches the same host as the FQDN"() {
        expect:
        ssh('t-linux64-ms-004', 'hostname').out() == 't-linux64-ms-004'
    }

    def "each scenario's run metadata is what a real run of its branch recorded"() {
        given:
        def heads = fleet.puppetRepo().heads()
        def meta = { String n -> fleet.host(n).metadataValues() }

        expect: 'clean: master applied, nothing overridden'
        meta('t-linux64-ms-001').git_sha == heads.master
        meta('t-linux64-ms-001').success == true
        meta('t-linux64-ms-001').override_sha == null

        and: 'override applied: the branch head and the sha of the override now on the host'
        def applied = fleet.host('t-linux64-ms-002')
        meta(applied.name()).git_branch == 'resolverd-fix'
        meta(applied.name()).git_sha == heads['resolverd-fix']
        meta(applied.name()).override_sha == sha256(applied.override())
        meta(applied.name()).vault_sha == sha256(applied.vault())
        meta(applied.name()).git_repo == FleetPlan.REPO_URL

        and: 'override pending: the last run predates the override'
        meta('t-linux64-ms-003').git_sha == heads.master
        meta('t-linux64-ms-003').override_sha == null
        fleet.host('t-linux64-ms-003').override().contains("PUPPET_BRANCH='netperf-tuning'")

        and: 'failed run'
        meta('t-linux64-ms-004').success == false
        meta('t-linux64-ms-004').exit_code == 1

        and: 'the Mac records its macOS paths'
        meta('macmini-r8-001').override_path == '/opt/puppet_environments/ronin_settings'
        meta('macmini-r8-001').vault_path == '/var/root/vault.yaml'
        meta('macmini-r8-001').git_sha == heads['resolverd-fix']
    }

    def "the macOS-like host takes the BSD code paths: Darwin, BSD stat, gid 0 named wheel, sysctl kern.boottime, no sha256sum"() {
        given:
        SandboxHost mac = fleet.host('macmini-r8-001')

        when:
        def uname = ssh(mac.name(), 'uname -s').out()
        def gnuStat = ssh(mac.name(), "stat -c '%a' ${mac.vaultPath()}")
        def bsdStat = ssh(mac.name(), "stat -f '%Lp %p %Su %Sg %z' ${mac.vaultPath()}").out()
        def sha = ssh(mac.name(), 'command -v sha256sum || echo absent; shasum -a 256 ' + mac.vaultPath()).out().readLines()
        def boot = ssh(mac.name(), "sysctl -n kern.boottime; date +%s; cut -d' ' -f1 /proc/uptime").out().readLines()
        long bootSec = (boot[0] =~ /\{ sec = (\d+), usec = 0 \} \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}/)[0][1] as long

        then:
        uname == 'Darwin'
        gnuStat.exitCode() != 0
        gnuStat.stderr().contains('illegal option')
        bsdStat == "600 100600 root wheel ${mac.vault().getBytes('UTF-8').length}"
        sha[0] == 'absent'
        sha[1].startsWith(sha256(mac.vault()))
        Math.abs((boot[1] as long) - bootSec - (boot[2] as double)) <= 2
    }

    def "pgrep sees only the host's own processes"() {
        expect:
        fleet.hosts().every { ssh(it.name(), 'pgrep -c sshd; pgrep -c generic-worker').out().readLines()[1] == '1' }
    }

    def "hosts('sandbox'), the role lists hosts('sandbox/1804') and short names resolve to the sandbox, over the project's moonshot rule"() {
        given: 'a project config with the real fleet\'s moonshot rule and domain'
        Path project = Files.createTempDirectory('fleetroll-project-')
        Files.createDirectories(project.resolve('configs'))
        project.resolve('configs/fleetroll.yaml').text = '''\
            inventory:
              expansions:
                moonshots: {match: '^ms-?(\\d+)$', replace: 't-linux64-ms-$1'}
              default_domain: .test.releng.mdc1.mozilla.com
            '''.stripIndent()
        def ws = fleet.workspace(project)
        def inv = new Inventory(ws)

        expect:
        inv.resolve('sandbox') == fleet.hosts()*.fqdn().sort { a, b -> a.startsWith('mac') ? -1 : b.startsWith('mac') ? 1 : a <=> b }
        inv.resolve('ms-3') == ['t-linux64-ms-003.sandbox.test']
        inv.resolve('ms003') == ['t-linux64-ms-003.sandbox.test']
        inv.resolve('ms-[1-2]') == ['t-linux64-ms-001.sandbox.test', 't-linux64-ms-002.sandbox.test']
        inv.resolve('mac-1') == ['macmini-r8-001.sandbox.test']
        inv.resolve('t-linux64-ms-004') == ['t-linux64-ms-004.sandbox.test']
        inv.resolve('sandbox/1804') == ['t-linux64-ms-001.sandbox.test', 't-linux64-ms-004.sandbox.test']
        inv.resolve('sandbox/2404') == ['t-linux64-ms-002.sandbox.test']
        inv.resolve('sandbox/netperf') == ['t-linux64-ms-003.sandbox.test']
        inv.resolve('sandbox/mac') == ['macmini-r8-001.sandbox.test']
        ws.config().ssh().configFile() == fleet.sshConfig().toString()

        cleanup:
        project.toFile().deleteDir()
    }

    def "run-puppet.sh on the host applies its override's branch and records it"() {
        given:
        SandboxHost h = fleet.host('t-linux64-ms-003')
        def heads = fleet.puppetRepo().heads()

        when:
        def first = ssh(h.name(), 'run-puppet.sh')
        def meta = new JsonSlurper().parseText(ssh(h.name(), "cat ${h.metadataPath()}").stdout())
        def second = ssh(h.name(), 'run-puppet.sh')

        then:
        first.exitCode() == 2
        meta.git_branch == 'netperf-tuning'
        meta.git_sha == heads['netperf-tuning']
        meta.override_sha == sha256(h.override())
        meta.success == true
        second.exitCode() == 0
    }

    def "stop-sshd refuses connections while the host stays up; start-sshd brings sshd back"() {
        given:
        def h = 't-linux64-ms-001'

        when:
        fleet.stopSshd(h)
        def refused = ssh(h, 'true')

        then:
        refused.exitCode() == 255
        refused.stderr().contains('Connection refused')
        fleet.status().hosts().find { it.host().name() == h }.state() == 'sshd-stopped'
        fleet.hostShell(h, 'pgrep -c generic-worker').out() == '1'

        when:
        fleet.startSshd(h)

        then:
        ssh(h, 'hostname').out() == h
    }

    def "a tarpit accepts TCP connections and never speaks SSH"() {
        given:
        def h = fleet.host('t-linux64-ms-002')

        when:
        fleet.tarpit(h.name())
        def socket = new Socket()
        socket.connect(new InetSocketAddress(h.address(), 22), 2000)
        socket.soTimeout = 1500
        socket.inputStream.read()

        then:
        thrown(SocketTimeoutException)
        fleet.status().hosts().find { it.host() == h }.state() == 'tarpit'

        when:
        def r = ssh(h.name(), 'true', 2)

        then:
        r.exitCode() == 255
        r.stderr().contains('banner exchange')

        when:
        fleet.untarpit(h.name())

        then:
        ssh(h.name(), 'hostname').out() == h.name()

        cleanup:
        socket?.close()
    }

    def "rekey: clients see a changed host key until the new one is trusted"() {
        given:
        def h = fleet.host('t-linux64-ms-004')

        when:
        def key = fleet.rekey(h.name())
        def r = ssh(h.name(), 'true')

        then:
        key != h.hostKey()
        fleet.currentHostKey(h.name()) == key
        r.exitCode() == 255
        r.stderr().contains('REMOTE HOST IDENTIFICATION HAS CHANGED')

        when:
        fleet.trustHostKey(h.name())

        then:
        ssh(h.name(), 'hostname').out() == h.name()
    }

    def "corrupt-metadata leaves garbage where the run metadata was"() {
        given:
        def h = fleet.host('t-linux64-ms-002')

        when:
        fleet.corruptMetadata(h.name())
        new JsonSlurper().parseText(fleet.readHostFile(h.name(), h.metadataPath()))

        then:
        thrown(Exception)
        ssh(h.name(), "head -c 15 ${h.metadataPath()}; echo END").stdout() == '{"schema_versioEND\n'
    }

    def "reboot: sshd is gone for a few seconds, then the host is back with a fresh uptime"() {
        given:
        def h = fleet.host('macmini-r8-001')
        def before = fleet.uptimeSeconds(h.name())

        when:
        fleet.reboot(h.name(), Duration.ofSeconds(2))
        def during = ssh(h.name(), 'true', 2)

        then:
        before > 1000
        during.exitCode() == 255
        during.stderr().contains('Connection refused')

        when:
        fleet.awaitUp(h.name(), Duration.ofSeconds(30))
        def lines = ssh(h.name(), "cut -d' ' -f1 /proc/uptime; pgrep -c generic-worker; hostname").out().readLines()

        then:
        (lines[0] as double) < 30
        lines[1] == '1'
        lines[2] == h.name()
    }

    def "a halted host is reported as halted at once instead of waited for, and comes back when powered on"() {
        given:
        def h = fleet.host('macmini-r8-001')

        when:
        fleet.powerOff(h.name())
        fleet.awaitUp(h.name(), Duration.ofSeconds(30))

        then:
        def e = thrown(SandboxException)
        e.message == "sandbox host ${h.name()} is halted: it stays down until powerOn"
        fleet.status().hosts().find { it.host().name() == h.name() }.state() == 'halted'

        when:
        fleet.powerOn(h.name())
        fleet.awaitUp(h.name(), Duration.ofSeconds(30))

        then:
        ssh(h.name(), 'hostname').out().trim() == h.name()
    }

    def "the host's own reboot command restarts it too"() {
        given:
        def h = 't-linux64-ms-001'
        fleet.setRebootDelay(h, Duration.ofSeconds(1))

        int boots = fleet.boots(h)

        when:
        def r = ssh(h, 'reboot')
        fleet.awaitBoots(h, boots + 1, Duration.ofSeconds(30))

        then:
        r.exitCode() == 0
        r.out().contains('going down')
        (ssh(h, "cut -d' ' -f1 /proc/uptime").out() as double) < 30
    }

    def "accepted connections are counted per host; hostShell opens none"() {
        given:
        def h = 't-linux64-ms-003'
        long before = fleet.acceptedConnections(h)
        long total = fleet.acceptedConnections()

        when:
        ssh(h, 'true')
        ssh(h, 'true')
        fleet.hostShell(h, 'true')

        then:
        fleet.acceptedConnections(h) == before + 2
        fleet.acceptedConnections() == total + 2
    }

    def "down stops every process and removes every file, host list, drop-in and slot"() {
        given:
        def dir = fleet.dir()
        def runtime = fleet.runtimeDir()
        def marker = dir.toString() + '/'
        def addresses = fleet.hosts()*.address().collect { it + ':22' }
        def slot = fleet.slot()

        when:
        def report = fleet.down()
        def leftovers = Procs.all().findAll { p ->
            p.state() != ('Z' as char) && (Procs.cmdline(p.pid()).contains(marker) || Procs.cmdline(p.pid()).contains(runtime.toString()))
        }

        then:
        report.found()
        report.processesKilled() >= 5 * 5
        leftovers.isEmpty()
        Procs.tcpListeners().intersect(addresses).isEmpty()
        !Files.exists(dir)
        !Files.exists(runtime)
        !Files.exists(fleet.home.resolve('config.d/50-sandbox.yaml'))
        !Files.exists(fleet.home.resolve('host-lists/sandbox.list'))
        !Files.exists(fleet.home.resolve('host-lists/sandbox')) // the role lists and their directory
        Sandbox.registry().slots().every { it.slot() != slot || it.dir() != dir.toString() }
    }
}
