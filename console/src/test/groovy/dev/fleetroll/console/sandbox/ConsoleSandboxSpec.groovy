package dev.fleetroll.console.sandbox

import dev.fleetroll.console.testing.FleetrollProcess
import dev.fleetroll.console.testing.Tmux
import dev.fleetroll.sandbox.SandboxFixture
import java.nio.file.Path
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise
import spock.lang.Timeout

/**
 * The console and fleetroll run as operators use them, against a real 5-host sandbox: Ctrl-C during an audit that
 * includes a tarpit host, TAB completion that opens no SSH connection (counted by the sandbox's sshds), and the
 * cron audit with pipes instead of a terminal.
 */
@Stepwise
@Timeout(600)
@Requires({ SandboxFixture.supported() && Tmux.available() })
class ConsoleSandboxSpec extends Specification {
    static final String PROMPT = 'fleetroll> '
    static final Path SCRIPTS = Path.of(System.getProperty('user.dir')).resolve('../scripts').normalize()

    @Shared
    SandboxFixture fleet = SandboxFixture.start(5)
    @Shared
    FleetrollProcess fr = new FleetrollProcess(fake: false, home: fleet.home)
    @Shared
    Tmux tmux = new Tmux()

    /**
     * The console's silence budget is ten minutes here, so the tarpit host can only end by Ctrl-C: the Ctrl-C
     * feature then proves its cause ("cancelled") whatever the machine's load, instead of racing the timeout.
     */
    def setupSpec() {
        Path cfg = fleet.home.resolve('spec_ssh_config')
        cfg.text = "Host *\n  ConnectTimeout 600\n\n" + fleet.sshConfig().text
        java.nio.file.Files.createDirectories(fleet.home.resolve('config.d'))
        fleet.home.resolve('config.d/zz-spec.yaml').text = "ssh:\n  config_file: ${cfg}\n"
    }

    def cleanupSpec() {
        tmux?.close()
        fr?.cleanup()
        fleet?.close()
    }

    private String enter(String s, String line, double seconds = 60) {
        int n = tmux.screen(s).count(PROMPT)
        tmux.type(s, line)
        tmux.keys(s, 'Enter')
        tmux.waitForCount(s, PROMPT, n + 1, seconds)
    }

    def "TAB completion opens no SSH connection"() {
        given:
        tmux.start('tab', fr.launcher.toString())
        tmux.waitFor('tab', PROMPT, 120)
        long before = fleet.acceptedConnections()

        when:
        tmux.type('tab', "hosts('sandbox').")
        tmux.keys('tab', 'Tab')
        tmux.waitFor('tab', 'audit()')
        tmux.keys('tab', 'C-u')
        tmux.type('tab', "hosts('t-linux64-ms-00")
        tmux.keys('tab', 'Tab')
        def screen = tmux.waitFor('tab', 't-linux64-ms-001.sandbox.test')
        tmux.keys('tab', 'C-u')
        tmux.type('tab', "def s = hosts('sandbox'); s.where { !app")
        tmux.keys('tab', 'Tab')
        tmux.waitFor('tab', 's.where { !applied')
        tmux.keys('tab', 'C-u')
        Thread.sleep(1000)

        then:
        screen.contains('t-linux64-ms-004.sandbox.test')
        fleet.acceptedConnections() == before

        when: 'a verb does connect, which proves the counter counts'
        enter('tab', "hosts('ms-1').audit().size()")

        then:
        fleet.acceptedConnections() > before
    }

    def "Ctrl-C during an audit that includes a tarpit host: prompt back with the host cancelled, session still usable"() {
        given:
        fleet.tarpit('t-linux64-ms-002')
        tmux.start('cc', fr.launcher.toString())
        tmux.waitFor('cc', PROMPT, 120)
        int prompts = tmux.screen('cc').count(PROMPT)

        when:
        tmux.type('cc', "hosts('sandbox').audit()")
        tmux.keys('cc', 'Enter')
        tmux.waitFor('cc', ~/audit: 4\/5 done/, 60)
        long t0 = System.nanoTime()
        tmux.keys('cc', 'C-c')
        def screen = tmux.waitForCount('cc', PROMPT, prompts + 1, 60)
        double seconds = (System.nanoTime() - t0) / 1e9

        then: 'cancelled by the key, not timed out: the tarpit host says cancelled'
        println "Ctrl-C to prompt: ${seconds} s"
        screen =~ /error: cancelled \(audit: 5 hosts in \S+: 4 ok, 1 cancelled \(t-linux64-ms-002\.sandbox\.test\)\)/

        when: 'the same console audits again over its open connections'
        fleet.untarpit('t-linux64-ms-002')
        long before = fleet.acceptedConnections('t-linux64-ms-001')
        screen = enter('cc', "hosts('ms-[1,3]').audit().where { reachable }.size()")

        then:
        screen.readLines().any { it.trim() == '2' }
        fleet.acceptedConnections('t-linux64-ms-001') == before   // reused, not reconnected
    }

    def "fleetroll run scripts/audit-all.groovy with pipes: plain output, exit 0, then 1 when too many hosts are down"() {
        when:
        def r = fr.run(['run', SCRIPTS.resolve('audit-all.groovy').toString(), '--', 'sandbox'])

        then:
        r.status == 0
        r.out.startsWith('audited 5 hosts: 5 answered, 0 unreachable, 0 stale')
        !(r.out + r.err).contains('\033') && !(r.out + r.err).contains('\r')

        when:
        fleet.stopSshd('t-linux64-ms-001')
        fleet.stopSshd('macmini-r8-001')
        r = fr.run(['run', SCRIPTS.resolve('audit-all.groovy').toString(), '--', 'sandbox'])

        then:
        r.status == 1
        r.out.contains('audited 5 hosts: 3 answered, 2 unreachable, 0 stale')
        r.out =~ /(?m)^macmini-r8-001\.sandbox\.test\s+unreachable/
        r.out =~ /(?m)^t-linux64-ms-001\.sandbox\.test\s+unreachable/
        r.err.contains('2 of 5 hosts are unreachable or stale, more than MAX_BAD_PERCENT=10%')

        cleanup:
        fleet.startSshd('t-linux64-ms-001')
        fleet.startSshd('macmini-r8-001')
    }

    def "gather-host --every keeps auditing over open connections until Ctrl-C, which stops it cleanly (exit 130)"() {
        given:
        def pb = new ProcessBuilder(fr.launcher.toString(), 'gather-host', 'sandbox', '--every', '1s', '-q')
        pb.environment().remove('TERM')
        def p = pb.start()
        def out = new StringBuffer()
        def err = new StringBuffer()
        def readers = [Thread.start { p.inputStream.eachLine { out.append(it).append('\n') } },
                       Thread.start { p.errorStream.eachLine { err.append(it).append('\n') } }]
        long deadline = System.currentTimeMillis() + 60_000
        while (out.toString().count('hosts ok') < 3 && System.currentTimeMillis() < deadline) {
            sleep 100
        }
        long accepted = fleet.acceptedConnections()
        sleep 1500

        when:
        new ProcessBuilder('kill', '-INT', p.pid().toString()).start().waitFor()
        boolean ended = p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)
        if (!ended) {
            p.destroyForcibly()
        }
        readers*.join(5000)

        then:
        assert ended: "still running 60 s after SIGINT; stdout:\n${out}\nstderr:\n${err}"
        assert p.exitValue() == 130: "exit ${p.exitValue()}; stdout:\n${out}\nstderr:\n${err}"
        out.toString().count('== round') >= 3
        out.toString().count('✓ 5/5 hosts ok') >= 3
        fleet.acceptedConnections() == accepted   // later rounds reuse the connections
        err.toString().contains('interrupted; stopped after the last round shown')
        !err.toString().contains('Exception')

        cleanup:
        p?.destroyForcibly()
    }
}
