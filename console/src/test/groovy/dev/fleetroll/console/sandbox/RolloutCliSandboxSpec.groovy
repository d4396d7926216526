package dev.fleetroll.console.sandbox

import dev.fleetroll.console.testing.FleetrollProcess
import dev.fleetroll.sandbox.SandboxFixture
import groovy.json.JsonSlurper
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise
import spock.lang.Timeout

import java.nio.file.Files
import java.nio.file.Path

/**
 * The saved procedure {@code scripts/rollout-1804.groovy} rehearsed end to end on a 5-host sandbox with its
 * Taskcluster and GitHub stand-ins (the gate is 'applied=y healthy=y'), and {@code fleetroll rollout} driving the same
 * rollout from the command line afterwards, as another console would. Fleet: ms-001 clean, ms-002 and the Mac with the
 * sandbox's resolverd-fix override (other bytes than the shipped file: left out), ms-003 netperf-tuning (left out),
 * ms-004 failed run (the fail-puppet fault: it stops the rollout at its gate).
 */
@Stepwise
@Timeout(900)
@Requires({ SandboxFixture.supported() })
class RolloutCliSandboxSpec extends Specification {
    static final Path REPO = Path.of(System.getProperty('user.dir')).resolve('..').normalize()
    static final Path SCRIPT = REPO.resolve('scripts/rollout-1804.groovy')
    static final Path OVERRIDE = REPO.resolve('configs/overrides/resolverd-fix.override')

    @Shared SandboxFixture fleet = SandboxFixture.start(5) { it.withServices(true) }
    @Shared FleetrollProcess fr = new FleetrollProcess(fake: false, home: fleet.home)

    def cleanupSpec() {
        fr?.cleanup()
        fleet?.close()
    }

    List<Map> auditLog() {
        def f = fleet.fleetrollHome().auditLog()
        Files.exists(f) ? f.readLines().collect { new JsonSlurper().parseText(it) as Map } : []
    }

    String overrideOn(String host) {
        fleet.readHostFile(host, '/etc/puppet/ronin_settings')
    }

    List<String> rehearse(String name) {
        ['run', SCRIPT.toString(), '--confirm', '--', 'sandbox', OVERRIDE.toString(), name, 'applied=y healthy=y', '0s']
    }

    def "fleetroll check finds a bad gate before any host is touched"() {
        given:
        def bad = fr.dir.resolve('bad-gate.groovy')
        bad.text = """\
def r = rollout('x') {
    targets hosts('sandbox')
    override file('${OVERRIDE}')
    gate 'aplied=y healthy=y'
}
r.start()
"""

        when:
        def r = fr.run(['check', bad.toString()])

        then:
        r.status == 2
        r.out.contains("bad-gate.groovy:4:")
        r.out.contains("rollout gate 'aplied=y healthy=y': unknown column 'aplied' at column 1: did you mean 'applied'?")
        auditLog().isEmpty()

        when: 'the shipped procedure passes'
        def ok = fr.run(['check', SCRIPT.toString()])

        then:
        ok.status == 0
    }

    def "a dry run shows the first step and starts nothing"() {
        when:
        def r = fr.run(['run', SCRIPT.toString(), '--dry-run', '--', 'sandbox', OVERRIDE.toString(), 'rehearsal', 'applied=y healthy=y', '0s'])

        then:
        r.status == 0
        r.out.contains('DRY RUN: rollout rehearsal: start (canary) on 1 host: t-linux64-ms-001.sandbox.test')
        r.out.contains('rollout rehearsal: dry run, not started')
        r.err.contains('leaving out 3 host(s) with another override')
        overrideOn('t-linux64-ms-001') == null
        fr.run(['rollout', 'list']).out.contains('no rollouts yet')
    }

    def "the rehearsal: canary, gate, next stage; the faulted host stops the rollout at its gate (exit 1)"() {
        when:
        def r = fr.run(rehearse('rehearsal'), '', [:], 600)

        then:
        r.status == 1
        r.err.contains('rollout rehearsal: canary applied to 1 host')
        r.err =~ /rollout rehearsal paused at stage 1: gate 'applied=y healthy=y': 0\/1 hosts pass, 1 fails \(max 0\): t-linux64-ms-004\.sandbox\.test \(applied=y \(is N\)/
        !r.err.contains('\tat ')
        overrideOn('t-linux64-ms-001') == OVERRIDE.text
        overrideOn('t-linux64-ms-004') == OVERRIDE.text
        fleet.readHostFile('t-linux64-ms-001', '/etc/motd').contains('resolverd-fix')
    }

    def "another console sees the same rollout: status names the failing host, JSON too"() {
        when:
        def r = fr.run(['rollout', 'status', 'rehearsal'])
        def j = new JsonSlurper().parseText(fr.run(['rollout', 'status', 'rehearsal', '--json']).out)

        then:
        r.status == 0
        r.out.startsWith('rollout rehearsal: paused, stage 1 (stage 2 of 2) paused')
        r.out =~ /canary\s+advanced\s+1 host\s+t-linux64-ms-001\.sandbox\.test\s+gate passed \(1\/1\)/
        r.out.contains('t-linux64-ms-004.sandbox.test: push changed, puppet failed (exit 1), gate failed: applied=y (is N)')
        j.state == 'paused'
        j.stages*.state == ['advanced', 'paused']
        j.stages[1].gate_failing == ['t-linux64-ms-004.sandbox.test']
    }

    def "running the procedure again continues the stored rollout and stops at the same gate"() {
        when:
        def r = fr.run(rehearse('rehearsal'), '', [:], 600)

        then:
        r.status == 1
        r.err.contains('rollout rehearsal was started before: paused; continuing it')
        r.err.contains('rollout rehearsal is paused (gate-failed: stage 1: ')
    }

    def "advance --force --reason from the CLI completes it; the audit log has forced, the reason and the gate state"() {
        when:
        def noReason = fr.run(['rollout', 'advance', 'rehearsal', '--force', '--confirm'])

        then:
        noReason.status == 2
        noReason.err.contains('needs a reason')

        when:
        def r = fr.run(['rollout', 'advance', 'rehearsal', '--force', '--reason', 'ms-004 disk fault, RELOPS-7', '--confirm'])

        then:
        r.status == 0
        r.out.contains('FORCED past a failing gate')
        r.out.contains('rollout rehearsal complete: every stage passed its gate')
        with(auditLog().findAll { it.action == 'rollout.advance' }.last()) {
            it.forced == true
            it.reason == 'ms-004 disk fault, RELOPS-7'
            it.parameters.gates.query == 'applied=y healthy=y'
            it.observed.gates.failing == ['t-linux64-ms-004.sandbox.test']
        }
        fr.run(['rollout', 'list']).out =~ /rehearsal\s+complete/
    }

    def "rollback needs --confirm without a terminal; with it the override goes and Puppet runs again"() {
        when:
        def refused = fr.run(['rollout', 'rollback', 'rehearsal', '--run-puppet'])

        then:
        refused.status == 2
        refused.err.contains('no terminal to confirm on and no --confirm')
        overrideOn('t-linux64-ms-001') == OVERRIDE.text

        when:
        def r = fr.run(['rollout', 'rollback', 'rehearsal', '--run-puppet', '--reason', 'rehearsal over', '--confirm'])

        then:
        r.status == 0
        r.out.contains('rollout rehearsal rolled back on 2 of 2 hosts')
        overrideOn('t-linux64-ms-001') == null
        overrideOn('t-linux64-ms-004') == null
        fleet.readHostFile('t-linux64-ms-001', '/etc/motd').contains('master')
        fr.run(['rollout', 'status', 'rehearsal']).out.startsWith('rollout rehearsal: rolled-back')
    }
}
