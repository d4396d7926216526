package dev.fleetroll.console.sandbox

import dev.fleetroll.console.dsl.compile.DslCompiler
import dev.fleetroll.console.dsl.DslOutput
import dev.fleetroll.console.dsl.DslSession
import dev.fleetroll.console.dsl.ExecResults
import dev.fleetroll.console.dsl.FleetFactory
import dev.fleetroll.console.dsl.HostSet
import dev.fleetroll.console.dsl.Results
import dev.fleetroll.sandbox.SandboxFixture
import dev.fleetroll.ssh.Outcome
import groovy.lang.Binding
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise
import spock.lang.Timeout

/**
 * The DSL against a real 5-host sandbox (sshd in namespaces, DefaultFleet, real SSH): ms-001 clean, ms-002
 * override applied, ms-003 override pending, ms-004 last run failed, macmini-r8-001 override applied.
 */
@Stepwise
@Timeout(300)
@Requires({ SandboxFixture.supported() })
class DslSandboxSpec extends Specification {
    @Shared
    SandboxFixture fleet = SandboxFixture.start(5)
    @Shared
    ByteArrayOutputStream out = new ByteArrayOutputStream()
    @Shared
    ByteArrayOutputStream err = new ByteArrayOutputStream()
    @Shared
    DslSession session = DslSession.builder({ fleet.workspace() })
            .fleet(FleetFactory::openEngine)
            .output(DslOutput.plain(out, err))
            .build()
    @Shared
    GroovyShell shell = DslCompiler.shell(DslCompiler.configuration(), new Binding())

    def cleanupSpec() {
        session?.close()
        fleet?.close()
    }

    def setup() {
        out.reset()
        err.reset()
    }

    Object dsl(String text) {
        DslCompiler.parse(shell, text, "Sandbox${System.nanoTime()}", session).run()
    }

    static List<String> fq(String... shortNames) {
        shortNames.collect { "${it}.sandbox.test".toString() }
    }

    def "selection: the sandbox list, node sets and short names, several as a union"() {
        expect:
        dsl("hosts('sandbox').size()") == 5
        dsl("hosts('t-linux64-ms-[001-002]').names()") == fq('t-linux64-ms-001', 't-linux64-ms-002')
        dsl("hosts('ms-3', 'mac-1', 'ms-003').names()") == fq('macmini-r8-001', 't-linux64-ms-003')
        dsl("(hosts('sandbox') - hosts('ms-[1-3]')).names()") == fq('macmini-r8-001', 't-linux64-ms-004')
    }

    def "audit over SSH, then where by closure"() {
        when:
        HostSet s = dsl("all = hosts('sandbox').audit(); all")

        then:
        s.size() == 5
        s.results.ok.size() == 5
        s.states().every { it.reachable && it.role }
        dsl("all.where { !applied }.names()") == fq('t-linux64-ms-003', 't-linux64-ms-004')
        dsl("all.where { override?.branch == 'resolverd-fix' && applied }.names()") == fq('macmini-r8-001', 't-linux64-ms-002')
        dsl("all.where { os == 'Darwin' }.names()") == fq('macmini-r8-001')
        dsl("all.where { puppet?.success == false }.names()") == fq('t-linux64-ms-004')
        dsl("all.where { dataAge < 1.minute && uptime > 1.minute }.size()") == 5
    }

    def "where by query, with typed comparisons"() {
        expect:
        dsl("all.where('ovr_bch=resolverd-fix').names()") == fq('macmini-r8-001', 't-linux64-ms-002')
        dsl("all.where('ovr_bch=').names()") == fq('t-linux64-ms-001', 't-linux64-ms-004')
        dsl("all.where('os=M').names()") == fq('macmini-r8-001')
        dsl("all.where('pp_last~FAIL').names()") == fq('t-linux64-ms-004')
        dsl("all.where('applied=N sort:host:desc').names()") == fq('t-linux64-ms-004', 't-linux64-ms-003')
        dsl("all.where('data<5m pp_last<1h').size()") == 5
    }

    def "batches split the audited set by count and by share"() {
        expect:
        dsl("all.batches(2)*.size()") == [2, 2, 1]
        dsl("all.batches('40%')*.names()") == [fq('macmini-r8-001', 't-linux64-ms-001'),
                                               fq('t-linux64-ms-002', 't-linux64-ms-003'), fq('t-linux64-ms-004')]
    }

    def "exec gathers identical output under folded host headers; a stopped sshd is unreachable"() {
        given: 'ms-004 refuses new connections (a session that already holds one keeps it: connections are reused)'
        fleet.stopSshd('t-linux64-ms-004')
        def fresh = DslSession.builder({ fleet.workspace() }).fleet(FleetFactory::openEngine)
                .output(DslOutput.plain(out, err)).build()

        when:
        ExecResults r = DslCompiler.parse(shell, "hosts('sandbox').exec('uname -s; cat /etc/puppet_role | cut -c1-11', quiet: true)",
                "Fresh${System.nanoTime()}", fresh).run()

        then:
        r.groups*.header == ['t-linux64-ms-[001-003].sandbox.test', 'macmini-r8-001.sandbox.test', 't-linux64-ms-004.sandbox.test']
        r.groups[0].stdout == 'Linux\ngecko_t_lin\n'
        r.groups[1].stdout == 'Darwin\ngecko_t_osx\n'
        r.groups[2].outcome == Outcome.UNREACHABLE
        r.unreachable.names() == fq('t-linux64-ms-004')
        r.render().startsWith('-' * 39 + '\nt-linux64-ms-[001-003].sandbox.test (3)\n' + '-' * 39 + '\nLinux\ngecko_t_lin\n')

        when:
        ExecResults f = dsl("hosts('ms-[1-2]').exec('echo out; echo err >&2; exit 3', quiet: true)")

        then:
        f.groups.size() == 1
        f.groups[0].header == 't-linux64-ms-[001-002].sandbox.test'
        f.groups[0].exitCode == 3
        f.failed.size() == 2
        f.render().contains('t-linux64-ms-[001-002].sandbox.test (2) exit 3')
        f.render().contains('stderr: err')

        cleanup:
        fresh?.close()
        fleet.startSshd('t-linux64-ms-004')
    }

    def "waitFor returns once the host has applied its override"() {
        given: 'puppet runs on ms-003 a moment from now'
        Thread.start {
            Thread.sleep(1500)
            fleet.hostShell('t-linux64-ms-003', '/usr/local/bin/run-puppet.sh >/dev/null 2>&1')
        }

        when:
        long t0 = System.nanoTime()
        Results r = dsl("hosts('ms-3').waitFor(60.seconds, every: 500.milliseconds) { applied }")
        double seconds = (System.nanoTime() - t0) / 1e9

        then:
        r.allOk
        r.ok.names() == fq('t-linux64-ms-003')
        seconds < 30
        err.toString().contains('waitFor: 0/1 hosts meet the condition')
    }

    def "waitFor times out on a host whose puppet keeps failing"() {
        when:
        long t0 = System.nanoTime()
        Results r = dsl("hosts('ms-4', 'ms-1').waitFor(3.seconds, every: 1.second) { puppet?.success }")
        double seconds = (System.nanoTime() - t0) / 1e9

        then:
        r.ok.names() == fq('t-linux64-ms-001')
        r.failed.names() == fq('t-linux64-ms-004')
        r.error('t-linux64-ms-004.sandbox.test') == 'condition not met within 3s'
        seconds >= 3 && seconds < 60
    }
}
