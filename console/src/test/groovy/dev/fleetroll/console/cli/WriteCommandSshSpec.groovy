package dev.fleetroll.console.cli

import dev.fleetroll.config.Workspace
import dev.fleetroll.content.Humanhash
import dev.fleetroll.ops.WriteHosts
import groovy.json.JsonSlurper
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.TempDir
import spock.lang.Timeout

import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest

/**
 * The write commands as shipped (Commands.all(): DefaultFleet over SSH, the audit log, the content stores) against
 * real sshd hosts, with -F and --fanout; then show-override finds what was pushed.
 */
@Timeout(300)
@Requires({ WriteHosts.supported() })
class WriteCommandSshSpec extends Specification {
    static final String OVR = "PUPPET_REPO='https://github.com/o/r.git'\nPUPPET_BRANCH='canary'\nPUPPET_MAIL='a@b.cd'\n"

    @Shared @TempDir Path dir
    @Shared @AutoCleanup WriteHosts hosts
    Workspace ws

    def setupSpec() {
        hosts = new WriteHosts(dir, ['h1', 'h2'])
    }

    def setup() {
        ws = hosts.workspace("${System.nanoTime()}")
        ['h1', 'h2'].each { h -> hosts.hostDir(h).toFile().listFiles().each { it.delete() } }
    }

    Map cli(List<String> args, boolean tty = true) {
        def out = new ByteArrayOutputStream()
        def err = new ByteArrayOutputStream()
        def env = ws.env() + [FLEETROLL_ACTOR: 'alice', NO_COLOR: '1']
        def ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, 'UTF-8'),
                new PrintStream(err, true, 'UTF-8'), env, tty, tty, false, false, { ws })
        int rc = new Cli(Commands.all()).run(args as String[], ctx)
        [rc: rc, out: out.toString('UTF-8'), err: err.toString('UTF-8')]
    }

    Path file(String name, String text) {
        def p = dir.resolve(name)
        p.text = text
        p
    }

    static String sha(String s) {
        MessageDigest.getInstance('SHA-256').digest(s.bytes).encodeHex().toString()
    }

    def "host-set-override -F --fanout --confirm writes over SSH; show-override finds the pushed file by humanhash"() {
        given:
        def f = file('x.override', OVR)
        def target = hosts.path('ronin_settings')

        when:
        def r = cli(['host-set-override', '-f', f.toString(), 'h1,h2', '-F', hosts.sshConfig.toString(), '--fanout', '2',
                     '--target-path', target, '--reason', 'canary', '--confirm'])

        then:
        r.rc == 0
        r.err == ''
        r.out.startsWith('WRITE: set override on 2 hosts: h[1-2]\n')
        r.out.contains('changed     h1  override written\n')
        r.out.contains('changed     h2  override written\n')
        r.out.contains('set override: 2 hosts, 2 changed, 0 unchanged, 0 blocked, 0 failed, 0 unreachable')
        r.out.contains("Audit log: ${ws.home().auditLog()}")
        ['h1', 'h2'].every { hosts.run(it, "cat ${target}") == OVR }

        and: 'the audit records name the actor from the environment'
        def recs = Files.readAllLines(ws.home().auditLog()).collect { new JsonSlurper().parseText(it) }
        recs*.actor == ['alice', 'alice']
        recs*.outcome == ['changed', 'changed']

        when:
        def show = cli(['show-override', Humanhash.of(sha(OVR))])
        def info = cli(['show-override', '--info', sha(OVR).substring(0, 8)])

        then:
        show.rc == 0
        show.out == OVR
        info.out.contains("sha256:    ${sha(OVR)}")

        when: 'a dry run opens no connection'
        int before = hosts.accepted('h1')
        def d = cli(['host-unset-override', 'h1', '-F', hosts.sshConfig.toString(), '--target-path', target])

        then:
        d.rc == 0
        d.out.startsWith('DRY RUN: remove override on 1 host: h1')
        hosts.accepted('h1') == before
        hosts.run('h1', "cat ${target}") == OVR
    }

    def "--json over SSH; a bad --fanout or -F is a usage error before anything happens"() {
        given:
        def f = file('y.override', OVR)

        when:
        def j = cli(['host-set-override', '-f', f.toString(), 'h1', '-F', hosts.sshConfig.toString(),
                     '--target-path', hosts.path('ronin_settings'), '--confirm', '--json'])
        def m = new JsonSlurper().parseText(j.out)

        then:
        j.rc == 0
        m.results[0].host == 'h1'
        m.results[0].outcome == 'changed'
        m.results[0].new_sha256 == sha(OVR)

        when:
        def bad = cli(['host-set-override', '-f', f.toString(), 'h1', '--fanout', '0', '--confirm'])
        def missing = cli(['host-set-override', '-f', f.toString(), 'h1', '-F', dir.resolve('nope').toString(), '--confirm'])

        then:
        bad.rc == 2
        bad.err == "fleetroll: host-set-override: --fanout '0' must be a number from 1 to 4096\n"
        missing.rc == 2
        missing.err.startsWith('fleetroll: host-set-override: ssh config ')
    }
}
