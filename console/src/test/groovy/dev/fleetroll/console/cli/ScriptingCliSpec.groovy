package dev.fleetroll.console.cli

import dev.fleetroll.console.testing.FleetrollProcess
import java.nio.file.Path
import spock.lang.Shared
import spock.lang.Specification

/**
 * fleetroll run, -e, stdin and check as separate processes with pipes for stdin, stdout and stderr (cron's
 * situation). The fleet is a FakeFleet in the process; the sandbox spec runs audit-all against real sshds.
 */
class ScriptingCliSpec extends Specification {
    static final Path SCRIPTS = Path.of(System.getProperty('user.dir')).resolve('../scripts').normalize()

    @Shared
    FleetrollProcess fr = new FleetrollProcess()
            .hostList('web', ['web[1-4].ex'])
            .hostList('good', ['web[1-3].ex'])
            .fakeHosts(['web1.ex': [role: 'r1'], 'web2.ex': [role: 'r2'], 'web3.ex': [:], 'web4.ex': [behaviour: 'unreachable']])

    def cleanupSpec() {
        fr.cleanup()
    }

    def "audit-all without a terminal: plain report, exit 0 within the threshold"() {
        when:
        def r = fr.run(['run', SCRIPTS.resolve('audit-all.groovy').toString(), '--', 'good'])

        then:
        r.status == 0
        r.out.startsWith('audited 3 hosts: 3 answered, 0 unreachable, 0 stale')
        !r.out.contains('\033') && !r.out.contains('\r')
        !r.err.contains('\033') && !r.err.contains('\r')
        r.err.contains('audit: 3 hosts in')     // the verb's summary goes to stderr
    }

    def "audit-all exits 1 when too many hosts are unreachable, listing them"() {
        when:
        def r = fr.run(['run', SCRIPTS.resolve('audit-all.groovy').toString(), '--', 'web'])

        then:
        r.status == 1
        r.out.contains('audited 4 hosts: 3 answered, 1 unreachable, 0 stale')
        r.out =~ /(?m)^web4\.ex\s+unreachable/
        r.err.contains('fleetroll: ') && r.err.contains('1 of 4 hosts are unreachable or stale, more than MAX_BAD_PERCENT=10%')

        when: 'a looser threshold'
        r = fr.run(['run', SCRIPTS.resolve('audit-all.groovy').toString(), '--', 'web'], '', [MAX_BAD_PERCENT: '30'])

        then:
        r.status == 0
    }

    def "-e prints the value; statements on stdin run like a script"() {
        expect:
        fr.run(['-e', '1+1']).out == '2\n'
        fr.run(['-e', "hosts('good').names()"]).out == '[web1.ex, web2.ex, web3.ex]\n'
        fr.run(['-e', '"quoted"']).out == 'quoted\n'

        when:
        def r = fr.run([], "def s = hosts('good')\nprintln s.size()\ns.where { role == 'r2' }.names()\n")

        then:
        r.status == 0
        r.out == '3\n[web2.ex]\n'
    }

    def "compile errors exit 2 with file:line:col; run-time errors exit 1 with file:line"() {
        given:
        def bad = fr.dir.resolve('bad.groovy')
        bad.text = "def x = hosts('good')\nx.where { ) }\n"
        def typo = fr.dir.resolve('typo.groovy')
        typo.text = "def x = hosts('good')\nx.adit()\n"

        when:
        def r = fr.run(['run', bad.toString()])

        then:
        r.status == 2
        r.err.trim() ==~ /fleetroll: .*bad\.groovy:2:\d+: .+/

        when:
        r = fr.run(['run', typo.toString()])

        then:
        r.status == 1
        r.err.trim() ==~ /fleetroll: .*typo\.groovy:2: HostSet has no method 'adit' \(did you mean 'audit'\?\)/

        when: 'check finds the typo without running anything'
        fr.home.resolve('fake-fleet.log').toFile().delete()
        r = fr.run(['check', typo.toString()])

        then:
        r.status == 2
        r.out.trim() ==~ /.*typo\.groovy:2:1: HostSet has no method 'adit' \(did you mean 'audit'\?\)/
        fr.fleetLog().isEmpty()
    }

    def "a store that is not a database is one line naming it, from a script and from a command that then contacts no host"() {
        given:
        def broken = new FleetrollProcess(fake: false)
        broken.home.resolve('fleetroll.db').text = 'this is not an SQLite database, just text that is long enough\n' * 3

        when:
        def script = broken.run(['-e', 'inventory().size()'])
        def command = broken.run(['gather-host', '127.0.0.1', '-q'])

        then:
        script.status == 1   // a script's run-time error
        command.status == 2  // the command refuses before contacting any host
        [script, command].every { r ->
            r.err.readLines().size() == 1 && r.err.contains("cannot open the store ${broken.home.resolve('fleetroll.db')}") &&
                    !r.err.contains('internal error') && !r.err.contains('\tat ')
        }

        cleanup:
        broken?.cleanup()
    }

    def "arguments after -- reach the script, --help among them included"() {
        given:
        def f = fr.dir.resolve('args.groovy')
        f.text = "println args.join(' '); println dryRun"

        expect:
        fr.run(['run', f.toString(), '--', 'a', '--help', 'b']).out == 'a --help b\ntrue\n'
        fr.run(['run', f.toString(), '--confirm']).out == '\nfalse\n'
        fr.run(['run', f.toString(), '--confirm', '--dry-run']).status == 2
    }

    def "SIGINT cancels the running verb: pending hosts are reported cancelled and the run exits 130"() {
        given:
        def f = fr.dir.resolve('tarpit.groovy')
        f.text = "hosts('web1.ex', 'tar1.ex').audit()\nprintln 'not reached'"
        fr.fakeHosts(['web1.ex': [:], 'tar1.ex': [behaviour: 'tarpit']])
        def pb = new ProcessBuilder(fr.launcher.toString(), 'run', f.toString())
        def p = pb.start()
        def out = new ByteArrayOutputStream()
        def err = new ByteArrayOutputStream()
        def t1 = Thread.start { out << p.inputStream }
        def t2 = Thread.start { err << p.errorStream }

        when:
        long end = System.currentTimeMillis() + 60_000
        while (!fr.fleetLog().any { it.startsWith('audit') } && System.currentTimeMillis() < end) {
            Thread.sleep(100)
        }
        Thread.sleep(500)
        new ProcessBuilder('kill', '-INT', "${p.pid()}".toString()).start().waitFor()
        boolean exited = p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)
        if (!exited) {
            new ProcessBuilder(java.nio.file.Path.of(System.getProperty('java.home'), 'bin', 'jstack').toString(), "${p.pid()}".toString()).redirectErrorStream(true).start().with { j ->
                err << "\n--- jstack ---\n" << j.inputStream.text
            }
            p.destroyForcibly()
        }
        t1.join(); t2.join()

        then:
        assert exited: "still running 60 s after SIGINT; stdout:\n${out}\nstderr:\n${err}"
        assert p.exitValue() == 130: "exit ${p.exitValue()}; stdout:\n${out}\nstderr:\n${err}"
        !out.toString().contains('not reached')
        err.toString().contains('interrupted (audit: 2 hosts in')
        err.toString().contains('1 cancelled (tar1.ex)')

        cleanup:
        fr.fakeHosts(['web1.ex': [role: 'r1'], 'web2.ex': [role: 'r2'], 'web3.ex': [:], 'web4.ex': [behaviour: 'unreachable']])
        if (p?.alive) { p.destroyForcibly() }
    }

    def "--timeout stops a script that runs too long"() {
        given:
        def f = fr.dir.resolve('slow.groovy')
        f.text = 'while (true) { sleep 50 }'

        when:
        def r = fr.run(['run', f.toString(), '--timeout', '1s'])

        then:
        r.status == 1
        r.err.contains('stopped after the timeout of 1s')
    }
}
