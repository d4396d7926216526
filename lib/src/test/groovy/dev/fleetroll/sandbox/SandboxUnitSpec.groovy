package dev.fleetroll.sandbox

import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path

/** The parts of the sandbox that need no fleet. */
class SandboxUnitSpec extends Specification {
    @TempDir
    Path tmp

    def "one sentence says why a sandbox cannot run on #os as uid #uid"() {
        expect:
        Sandbox.unsupportedReason(os, uid) == reason

        where:
        os         | uid  || reason
        'Linux'    | 0    || null
        'Mac OS X' | 0    || 'the sandbox needs Linux and root (it starts sshd processes in namespaces); this machine runs Mac OS X, so nothing was started'
        'Linux'    | 1000 || 'the sandbox needs Linux and root (it starts sshd processes in namespaces); you are uid 1000, so nothing was started (run it as root, e.g. with sudo)'
    }

    def "a locked root (!) becomes * so key logins work with UsePAM no; other accounts stay as they are"() {
        expect:
        LoginUser.unlockedShadow('root:!$6$abc:20000:0:99999:7:::\nbin:*:20000::::::\nu:!x:1::::::\n') ==
                'root:*:20000:0:99999:7:::\nbin:*:20000::::::\nu:!x:1::::::\n'
        LoginUser.unlockedShadow('root:!:20000::::::\n') == 'root:*:20000::::::\n'
        LoginUser.unlockedShadow('root:*:20000::::::\n') == 'root:*:20000::::::\n'
    }

    def "/proc/net/tcp addresses decode to dotted quads: #hex"() {
        expect:
        Procs.decode(hex) == text

        where:
        hex             || text
        '0101007F:0016' || '127.0.1.1:22'
        '00000000:0016' || '0.0.0.0:22'
        'FE02007F:1F90' || '127.0.2.254:8080'
    }

    def "generated ed25519 keys are valid OpenSSH keys"() {
        given:
        def pair = SshKeys.ed25519('test@sandbox')
        def key = tmp.resolve('id_ed25519')
        key.text = pair.privateKey()
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString('rw-------'))

        when:
        def p = new ProcessBuilder('ssh-keygen', '-y', '-f', key.toString()).redirectErrorStream(true).start()
        def derived = p.inputStream.text.trim()

        then:
        p.waitFor() == 0
        derived.split(' ')[0..1] == pair.publicKey().split(' ')[0..1]
        pair.publicKeyNoComment() ==~ /ssh-ed25519 [A-Za-z0-9+\/]+=*/
    }

    def "the puppet repository has master and two feature branches with distinct, stable shas"() {
        when:
        def one = PuppetRepo.create(tmp.resolve('a')).heads()
        def two = PuppetRepo.create(tmp.resolve('b')).heads()

        then:
        one.keySet() == FleetPlan.BRANCHES.toSet()
        one.values().toSet().size() == 3
        one == two
    }

    def "a commit moves only its branch"() {
        given:
        def repo = PuppetRepo.create(tmp.resolve('r'))
        def before = repo.heads()

        when:
        def sha = repo.commit('resolverd-fix', 'modules/x', 'y\n', 'more')

        then:
        repo.heads()['resolverd-fix'] == sha
        sha != before['resolverd-fix']
        repo.heads().findAll { it.key != 'resolverd-fix' } == before.findAll { it.key != 'resolverd-fix' }
    }
}
