package dev.fleetroll.console.cli

import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.sandbox.SandboxFixture
import groovy.json.JsonSlurper
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path

/**
 * {@code fleetroll sandbox up 3 / status / fault / down} through the Cli class with a temporary FLEETROLL_HOME: what
 * it prints, the files it writes, and that down removes them. Features run in order on one fleet.
 */
@Requires({ SandboxFixture.supported() })
class SandboxCommandSpec extends Specification {
    @Shared
    Path home = Files.createTempDirectory('fleetroll-cli-home-')

    Map cli(String... args) {
        def out = new ByteArrayOutputStream()
        def err = new ByteArrayOutputStream()
        def env = [FLEETROLL_HOME: home.toString()]
        def ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true),
                env, false, false, false, false, { Workspace.of(new FleetrollHome(home), null, env) })
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

    def "demo brings up a fresh fleet and shows it with what to try next"() {
        when:
        def r = cli('demo', '--hosts', '2')

        then:
        r.status == 0
        r.out.startsWith('fleetroll demo: 2 sandbox hosts')
        r.out.readLines().find { it.startsWith('HOST ') }.split(/\s+/) == ['HOST', 'ADDRESS', 'OS', 'ROLE', 'OVERRIDE', 'SCENARIO', 'UPTIME']
        r.out.contains('macmini-r8-001')
        r.out.contains('Try next:')
        r.out.contains("ssh -F ${home}/sandbox/ssh_config")

        and: 'the dry-run override push: both hosts of this fleet have their override applied'
        r.out.contains("hosts('sandbox').audit().where { !applied }.setOverride(file('netperf-tuning.override (built-in example)'), reason: 'demo'), as a dry run:\n  every host has its override applied: nothing to push\n")
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
}
