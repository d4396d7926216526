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

    def "--from-file and --mode over SSH; --no-backup leaves no backup on the host, the default leaves one"() {
        given: 'h1 writes with --no-backup, h2 with the default; the same three steps on both'
        def a = file('a.override', OVR)
        def b = file('b.override', OVR.replace('canary', 'second'))
        def target = hosts.path('ronin_settings')
        def ssh = ['-F', hosts.sshConfig.toString(), '--target-path', target, '--no-reaudit', '--confirm']
        def backups = { String h -> hosts.hostDir(h).toFile().list().findAll { it.startsWith('ronin_settings.bak.') }.sort() }

        when: 'the long --from-file, and --mode 0600'
        def set = cli(['host-set-override', '--from-file', a.toString(), 'h1,h2', '--mode', '0600'] + ssh)

        then: 'the host has the file with that mode'
        set.rc == 0
        set.out.contains('set override: 2 hosts, 2 changed')
        ['h1', 'h2'].every { hosts.run(it, "cat ${target}") == OVR }
        ['h1', 'h2'].collect { hosts.run(it, "stat -c %a ${target}").trim() } == ['600', '600']

        when: 'a different override, forced: replaced with and without a backup'
        def noBackup = cli(['host-set-override', '--from-file', b.toString(), 'h1', '--force', '--no-backup'] + ssh)
        def withBackup = cli(['host-set-override', '--from-file', b.toString(), 'h2', '--force'] + ssh)

        then:
        noBackup.rc == 0
        noBackup.out.contains('changed     h1  override written\n')
        withBackup.rc == 0
        withBackup.out =~ /changed     h2  override written \(backup .*ronin_settings\.bak\.\d{8}T\d{6}\.\d{3}Z\)/
        ['h1', 'h2'].every { hosts.run(it, "cat ${target}") == b.text }
        backups('h1') == []
        backups('h2').size() == 1
        hosts.run('h2', "cat ${target}.bak.*") == OVR

        and: 'the default mode (0644) applies when --mode is not given'
        ['h1', 'h2'].collect { hosts.run(it, "stat -c %a ${target}").trim() } == ['644', '644']

        when: 'unset: --no-backup removes the file and leaves nothing behind'
        def unsetNo = cli(['host-unset-override', 'h1', '--no-backup'] + ssh)
        def unsetYes = cli(['host-unset-override', 'h2'] + ssh)

        then:
        unsetNo.rc == 0
        unsetYes.rc == 0
        hosts.hostDir('h1').toFile().list() as List == []
        hosts.ssh('h1', "test -e ${target}").rc == 1
        hosts.ssh('h2', "test -e ${target}").rc == 1
        backups('h2').size() == 2

        and: 'the audit log says which writes were asked not to back up, and what mode'
        def recs = Files.readAllLines(ws.home().auditLog()).collect { new JsonSlurper().parseText(it) }
        recs.collect { [it.action, it.host, it.parameters.backup, it.parameters.mode] } == [
                ['override.set', 'h1', true, '0600'], ['override.set', 'h2', true, '0600'],
                ['override.set', 'h1', false, '0644'], ['override.set', 'h2', true, '0644'],
                ['override.unset', 'h1', false, null], ['override.unset', 'h2', true, null]]
        recs.findAll { it.host == 'h1' }.every { it.observed.backup == null }
    }
}
