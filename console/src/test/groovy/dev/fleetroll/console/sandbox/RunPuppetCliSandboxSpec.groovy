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

/**
 * {@code fleetroll host-run-puppet} and the DSL's {@code runPuppet()} as operators run them, against a 5-host sandbox
 * (ms-001 clean, ms-002 override applied, ms-003 override pending, ms-004 failed run (fault on), a Mac): the
 * hosts' real run-puppet.sh applies the sandbox Puppet repository.
 */
@Stepwise
@Timeout(600)
@Requires({ SandboxFixture.supported() })
class RunPuppetCliSandboxSpec extends Specification {
    @Shared SandboxFixture fleet = SandboxFixture.start(5)
    @Shared FleetrollProcess fr = new FleetrollProcess(fake: false, home: fleet.home)

    def cleanupSpec() {
        fr?.cleanup()
        fleet?.close()
    }

    List<Map> auditLog() {
        def f = fleet.fleetrollHome().auditLog()
        Files.exists(f) ? f.readLines().collect { new JsonSlurper().parseText(it) as Map } : []
    }

    String motd(String host) {
        fleet.readHostFile(host, '/etc/motd')
    }

    def "without a terminal and without --confirm nothing runs: refused, exit 2"() {
        given:
        String before = motd('t-linux64-ms-003')

        when:
        def r = fr.run(['host-run-puppet', 'ms-3'])

        then:
        r.status == 2
        r.err.contains('no terminal to confirm on and no --confirm')
        !r.err.contains('\tat ')
        motd('t-linux64-ms-003') == before
        auditLog().last().action == 'host.run_puppet'
        auditLog().last().outcome == 'refused'
    }

    def "--confirm: START lines, each host's output as it finishes, status lines, summary; exit 1 when a run fails"() {
        when:
        def r = fr.run(['host-run-puppet', 'ms-[3-4]', '--reason', 'cli test', '--confirm'])

        then:
        r.status == 1
        r.out.contains('Running puppet on 2 hosts...')
        r.out.contains('START t-linux64-ms-003.sandbox.test')
        r.out.contains('--- [t-linux64-ms-003.sandbox.test] ---')
        r.out.contains('content changed')
        r.out =~ /OK\s+t-linux64-ms-003\.sandbox\.test changes applied/
        r.out =~ /FAIL t-linux64-ms-004\.sandbox\.test puppet exit 1: run-puppet: Error: Could not apply catalog/
        r.out.contains('run puppet: 2 hosts, 1 ok (1 with changes), 1 failed')
        !(r.out =~ /EXIT=[0-9]/)
        !r.out.contains('\u001b')
        motd('t-linux64-ms-003').contains('netperf-tuning')

        and: 'one record per host, without the output'
        def recs = auditLog().findAll { it.action == 'host.run_puppet' && it.host }
        recs*.host as Set == ['t-linux64-ms-003.sandbox.test', 't-linux64-ms-004.sandbox.test'] as Set
        recs.find { it.host.startsWith('t-linux64-ms-003') }.observed.puppet_exit == 2
        recs.every { it.reason == 'cli test' && !it.toString().contains('content changed') }

        and: 'the output is kept per host'
        Files.list(fleet.home.resolve('puppet-runs/t-linux64-ms-003.sandbox.test')).count() == 1
    }

    def "--json: one object with each host's exit, output without colours and the re-audited sha"() {
        when:
        def r = fr.run(['host-run-puppet', 'ms-3', '--json', '--confirm'])
        def j = new JsonSlurper().parseText(r.out) as Map

        then:
        r.status == 0
        j.results.size() == 1
        j.results[0].puppet_exit == 0
        j.results[0].ok
        j.results[0].output.contains('run-puppet: exit 0')
        j.results[0].metadata_sha == fleet.puppetRepo().head('netperf-tuning')
    }

    def "the DSL: runPuppet() in a script is a dry run without --confirm and runs with it"() {
        given:
        def script = fr.dir.resolve('puppet.groovy')
        script.text = """\
def r = hosts('ms-2').runPuppet(reason: 'dsl test', quiet: true)
println "dryRun=\${r.dryRun} ok=\${r.ok.fold()} exit=\${r.exitCode('t-linux64-ms-002.sandbox.test')} changed=\${r.changed.size()}"
"""

        when:
        def dry = fr.run(['run', script.toString(), '--dry-run'])

        then:
        dry.status == 0
        dry.out.contains('DRY RUN: run puppet on 1 host')
        dry.out.contains('dryRun=true')

        when:
        def real = fr.run(['run', script.toString(), '--confirm'])

        then:
        real.status == 0
        real.out =~ /OK\s+t-linux64-ms-002\.sandbox\.test no changes/
        real.out.contains('dryRun=false ok=t-linux64-ms-002.sandbox.test exit=0 changed=0')
        auditLog().findAll { it.action == 'host.run_puppet' && it.reason == 'dsl test' }*.outcome == ['dry-run', 'ok']
    }
}
