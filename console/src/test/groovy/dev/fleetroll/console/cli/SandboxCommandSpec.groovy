package dev.fleetroll.console.cli

import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.sandbox.Sandbox
import dev.fleetroll.sandbox.SandboxFixture
import groovy.json.JsonSlurper
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path

/**
 * {@code fleetroll sandbox up 3 / status / fault / down} through the Cli class with a temporary FLEETROLL_HOME: what
 * it prints, the files it writes, and that down removes them; {@code fleetroll demo} in a checkout (scripts/demo.groovy)
 * and without one (the built-in fallback). Features run in order on one fleet.
 */
@Requires({ SandboxFixture.supported() })
class SandboxCommandSpec extends Specification {
    @Shared
    Path home = Files.createTempDirectory('fleetroll-cli-home-')

    Map cli(String... args) {
        cliIn(null, args)
    }

    /** Runs the command with {@code project} as the checkout (FLEETROLL_PROJECT); null: without one. */
    Map cliIn(Path project, String... args) {
        cliAt(home, project, args)
    }

    /** Runs the command with {@code h} as FLEETROLL_HOME. */
    Map cliAt(Path h, Path project, String... args) {
        def out = new ByteArrayOutputStream()
        def err = new ByteArrayOutputStream()
        def env = [FLEETROLL_HOME: h.toString()]
        def ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true),
                env, false, false, false, false, { Workspace.of(new FleetrollHome(h), project, env) })
        int status = new Cli(Commands.all()).run(args, ctx)
        [status: status, out: out.toString(), err: err.toString()]
    }

    def cleanupSpec() {
        cli('sandbox', 'down')
        home.toFile().deleteDir()
    }

    def "sandbox up 3 starts three hosts and writes the host list, drop-in and ssh_config"() {
        when:
        def r = cli('sandbox', 'up', '3')

        then:
        r.status == 0
        r.out =~ /sandbox up: 3 hosts in [\d.]+ s, slot \d+ \(127\.\d+\.1\.1 - 127\.\d+\.1\.3\), logging in as root/
        r.out =~ /memory: [\d.]+ MiB in \d+ processes \(sum of PSS\)/
        home.resolve('host-lists/sandbox.list').text.readLines().findAll { !it.startsWith('#') } ==
                ['t-linux64-ms-001', 't-linux64-ms-002', 'macmini-r8-001']
        home.resolve('config.d/50-sandbox.yaml').text.contains("config_file: ${home}/sandbox/ssh_config")
        Files.exists(home.resolve('sandbox/ssh_config'))
        Files.exists(home.resolve('sandbox/known_hosts'))
    }

    def "up again replaces the sandbox cleanly: the old fleet's processes are gone"() {
        given:
        long oldGroup = new JsonSlurper().parseText(home.resolve('sandbox/state.json').text).pgid as long

        when:
        def r = cli('sandbox', 'up', '3')
        // live members of the old process group (zombies wait for the machine's init to reap them; they are dead)
        def oldMembers = new File('/proc').listFiles().findAll { it.name ==~ /\d+/ }.count { dir ->
            String stat
            try {
                stat = new File(dir, 'stat').text
            } catch (IOException ignored) {
                return false // exited while we looked
            }
            def fields = stat.substring(stat.lastIndexOf(')') + 2).split(' ')
            fields[0] != 'Z' && (fields[2] as long) == oldGroup
        }

        then:
        r.status == 0
        oldMembers == 0
        new JsonSlurper().parseText(home.resolve('sandbox/state.json').text).pgid != oldGroup
    }

    def "status lists every host with its address, OS, role, override, scenario and state"() {
        when:
        def r = cli('sandbox', 'status')
        def rows = r.out.readLines()

        then:
        r.status == 0
        rows[0].split(/\s+/) == ['HOST', 'ADDRESS', 'OS', 'ROLE', 'OVERRIDE', 'SCENARIO', 'STATE', 'UPTIME', 'CONNS']
        rows[1].split(/\s+/)[0, 2, 3, 4, 5, 6] == ['t-linux64-ms-001', 'Linux', 'gecko_t_linux_talos', '-', 'clean', 'up']
        rows[2].split(/\s+/)[0, 4, 5] == ['t-linux64-ms-002', 'resolverd-fix', 'override-applied']
        rows[3].split(/\s+/)[0, 2] == ['macmini-r8-001', 'Darwin']
        r.out.contains('3 hosts: 3 up')
    }

    def "status --json is machine-readable"() {
        when:
        def r = cli('sandbox', 'status', '--json')
        def json = new JsonSlurper().parseText(r.out)

        then:
        r.status == 0
        json.hosts*.name == ['t-linux64-ms-001', 't-linux64-ms-002', 'macmini-r8-001']
        json.hosts*.state == ['up'] * 3
        json.memory_bytes > 0
        json.ssh_config == home.resolve('sandbox/ssh_config').toString()
    }

    def "fault knobs take short names and node sets"() {
        when:
        def stop = cli('sandbox', 'fault', 'stop-sshd', 'ms-[1-2]')
        def states = new JsonSlurper().parseText(cli('sandbox', 'status', '--json').out).hosts*.state
        def start = cli('sandbox', 'fault', 'start-sshd', 'sandbox')

        then:
        stop.status == 0
        stop.out.readLines() == ['stop-sshd t-linux64-ms-001.sandbox.test: sshd stopped: connections are refused',
                                 'stop-sshd t-linux64-ms-002.sandbox.test: sshd stopped: connections are refused']
        states == ['sshd-stopped', 'sshd-stopped', 'up']
        start.status == 0
        new JsonSlurper().parseText(cli('sandbox', 'status', '--json').out).hosts*.state == ['up'] * 3
    }

    def "usage errors exit 2 with one line"() {
        expect:
        with(cli(*args)) {
            status == 2
            err.readLines().size() == 1
            err.startsWith('fleetroll: ')
            err.contains(message)
        }

        where:
        args                                      || message
        ['sandbox']                               || 'up [N], status, down'
        ['sandbox', 'bogus']                      || "unknown subcommand 'bogus'"
        ['sandbox', 'up', 'many']                 || 'N must be a number'
        ['sandbox', 'fault', 'melt', 'ms-1']      || "unknown knob 'melt'"
        ['sandbox', 'fault', 'tarpit', 'nohost']  || "'nohost' is not a host of the sandbox"
    }

    def "demo in a checkout runs scripts/demo.groovy: the audit table, then the dry-run push to the hosts that need it; nothing written"() {
        given: 'the checkout this spec runs in (console/..), with its scripts/demo.groovy and example override'
        Path project = Path.of('..').toAbsolutePath().normalize()
        assert Files.isRegularFile(project.resolve('scripts/demo.groovy'))
        assert Files.isRegularFile(project.resolve(DemoCommand.EXAMPLE_OVERRIDE))

        when: 'five hosts: ms-003 has a pending override, ms-004 a failed run and none'
        def r = cliIn(project, 'demo', '--hosts', '5')
        def lines = r.out.readLines()

        then: 'the script ran, not the built-in fallback (which shows the sandbox status table)'
        r.status == 0
        r.out.startsWith('fleetroll demo: 5 sandbox hosts')
        r.out.contains('$ fleetroll run scripts/demo.groovy --dry-run\n')
        !lines.any { it.startsWith('HOST ') && it.contains('SCENARIO') }
        r.err =~ /audit: 5 hosts in \S+: 5 ok/
        !r.err.contains('fleetroll:')

        and: 'the table: every monitor column (the sandbox runs Taskcluster and GitHub stand-ins), one row per host, applied as the verdict says'
        int header = lines.findIndexOf { it.startsWith('HOST ') }
        lines[header].split(/\s+/) == ['HOST', 'OS', 'ROLE', 'VLT_SHA', 'OVR_BCH', 'UPTIME', 'PP_LAST', 'PP_EXP', 'PP_SHA',
                                       'PP_MATCH', 'APPLIED', 'TC_ACT', 'TC_T_DUR', 'TC_QUAR', 'POOL', 'DATA', 'HEALTHY', 'SSH']
        int appliedAt = lines[header].indexOf('APPLIED')
        def rows = lines[(header + 1)..(header + 5)]
        rows.collectEntries { [(it.split(/\s+/)[0]): it.substring(appliedAt).split(/\s+/)[0]] } == [
                'macmini-r8-001.sandbox.test': 'Y', 't-linux64-ms-001.sandbox.test': 'Y', 't-linux64-ms-002.sandbox.test': 'Y',
                't-linux64-ms-003.sandbox.test': 'N', 't-linux64-ms-004.sandbox.test': 'N']
        rows.every { it.endsWith(' ok') }
        r.out.contains('5 of 5 hosts answered; 2 have not applied their override yet: t-linux64-ms-[003-004].sandbox.test\n')
        int healthyAt = lines[header].indexOf('HEALTHY')
        rows.collectEntries { [(it.split(/\s+/)[0]): it.substring(healthyAt).split(/\s+/)[0]] } == [
                'macmini-r8-001.sandbox.test': 'Y', 't-linux64-ms-001.sandbox.test': 'Y', 't-linux64-ms-002.sandbox.test': 'Y',
                't-linux64-ms-003.sandbox.test': 'N', 't-linux64-ms-004.sandbox.test': 'N']
        r.out.contains('3 healthy (ran the expected sha, active in Taskcluster, not quarantined); not healthy: t-linux64-ms-[003-004].sandbox.test\n')

        and: "then the headline as a dry run of the checkout's override, to ms-003 and ms-004 only"
        r.out.contains("\$ hosts('sandbox').audit().where { !applied }.setOverride(file('configs/overrides/netperf-tuning.override'), reason: 'demo')\n"
                + 'DRY RUN: set override on 2 hosts: t-linux64-ms-[003-004].sandbox.test\n')
        r.out.contains("  source   ${project.resolve(DemoCommand.EXAMPLE_OVERRIDE)}\n")
        r.out =~ /1 host +t-linux64-ms-004\.sandbox\.test: no override now/
        r.out =~ /1 host +t-linux64-ms-003\.sandbox\.test: has [0-9a-f]{12} \([a-z]+-[a-z]+\), audited .* ago, will be blocked unless forced/
        r.out.contains('Nothing written (dry run).')
        lines.indexOf('Try next:') > lines.findIndexOf { it.startsWith('DRY RUN: ') }
        r.out.contains("host-set-override -f ${DemoCommand.EXAMPLE_OVERRIDE} 't-linux64-ms-[003-004].sandbox.test' --reason demo --confirm")

        and: 'nothing reached the hosts: the overrides are as the sandbox made them, no backup or temp file next to them'
        def sb = Sandbox.find(new FleetrollHome(home)).orElseThrow()
        sb.hosts().every { h -> sb.readHostFile(h.name(), h.overridePath()) == h.override() }
        sb.readHostFile('t-linux64-ms-004', '/etc/puppet/ronin_settings') == null
        ['t-linux64-ms-003', 't-linux64-ms-004'].every { h ->
            sb.hostShell(h, 'ls -A /etc/puppet').stdout().readLines().every { it == 'ronin_settings' || !it.contains('ronin_settings') }
        }

        and: 'the audit log has the dry run only'
        def recs = Files.readAllLines(home.resolve('audit.jsonl')).collect { new JsonSlurper().parseText(it) }
        recs.size() == 1
        recs[0].action == 'override.set'
        recs[0].outcome == 'dry-run'
        recs[0].dry_run == true
        recs[0].hosts == ['t-linux64-ms-003.sandbox.test', 't-linux64-ms-004.sandbox.test']
        recs[0].reason == 'demo'

        when: 'gather: audit, GitHub heads, Taskcluster, against the same fleet and its stand-ins, with no flags'
        def g = cliIn(project, 'gather', 'sandbox', '-q')

        then:
        g.status == 0
        g.out.startsWith('✓ 5/5 hosts ok (')
        g.out =~ /gather-gh: \d+ branch heads? stored, \d+ repositor(y|ies) fresh \(skipped\), 0 failed/
        g.out =~ /gather-tc: 5 hosts in 4 pools listed \(5 workers\) in /
        g.out.contains('  present 5, absent 0, no pool 0\n')
    }

    def "demo without a checkout brings up a fresh fleet and shows it with what to try next"() {
        when:
        def r = cli('demo', '--hosts', '2')

        then:
        r.status == 0
        r.out.startsWith('fleetroll demo: 2 sandbox hosts')
        r.out.contains('\$ fleetroll run scripts/demo.groovy --dry-run\n')
        r.out.readLines().find { it.startsWith('HOST ') }.split(/\s+/).take(3) == ['HOST', 'OS', 'ROLE']
        r.out.contains('macmini-r8-001')
        r.out.contains('Try next:')
        r.out.contains("ssh -F ${home}/sandbox/ssh_config")

        and: 'the dry-run override push: both hosts of this fleet have their override applied'
        r.out.contains("\$ hosts('sandbox').audit().where { !applied }.setOverride(file('${home}/demo/netperf-tuning.override'), reason: 'demo')\n"
                + 'nothing to push: every host that answered has applied its override\n')
    }

    def "down stops the fleet and removes the drop-in, host list and sandbox directory"() {
        when:
        def r = cli('sandbox', 'down')

        then:
        r.status == 0
        r.out =~ /sandbox down: stopped 2 hosts \(\d+ processes\)/
        !Files.exists(home.resolve('config.d/50-sandbox.yaml'))
        !Files.exists(home.resolve('host-lists/sandbox.list'))
        !Files.exists(home.resolve('sandbox'))

        when:
        def status = cli('sandbox', 'status')
        def again = cli('sandbox', 'down')

        then:
        status.status == 1
        status.err.contains('no sandbox for FLEETROLL_HOME')
        again.status == 0
        again.out.contains('nothing to do')
    }

    def "--dir keeps the fleet's files in another directory; status and down find it there, and down removes it"() {
        given:
        Path otherHome = Files.createTempDirectory('fleetroll-cli-home2-')
        Path dir = Files.createTempDirectory('fleetroll-cli-dir-').resolve('fleet')

        when:
        def up = cliAt(otherHome, null, 'sandbox', 'up', '2', '--dir', dir.toString())
        def status = cliAt(otherHome, null, 'sandbox', 'status', '--json', '--dir', dir.toString())
        def doc = new JsonSlurper().parseText(status.out)
        def sshConfigInDir = Files.exists(dir.resolve('ssh_config'))
        def dropIn = otherHome.resolve('config.d/50-sandbox.yaml').text
        def down = cliAt(otherHome, null, 'sandbox', 'down', '--dir', dir.toString())

        then:
        up.status == 0
        !Files.exists(otherHome.resolve('sandbox'))
        sshConfigInDir
        dropIn.contains("config_file: ${dir}/ssh_config")
        status.status == 0
        doc.hosts.size() == 2
        down.status == 0
        !Files.exists(dir)
        !Files.exists(otherHome.resolve('config.d/50-sandbox.yaml'))

        cleanup:
        cliAt(otherHome, null, 'sandbox', 'down', '--dir', dir.toString())
        otherHome.toFile().deleteDir()
        dir.parent.toFile().deleteDir()
    }
}
