package dev.fleetroll.ssh

import dev.fleetroll.UserError
import java.nio.file.Files
import java.nio.file.Path
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.TempDir
import spock.lang.Unroll

/**
 * Every directive fleetroll honours, resolved by SshConfigResolver and by the real {@code ssh -G -F FILE HOST}
 * for the same file. The resolver is given the same home and user that ssh uses (the passwd entry), and every
 * config file lives in a temp dir, so nothing reads the real ~/.ssh.
 */
class SshConfigResolverSpec extends Specification {
    static final List<String> KEYS = ['user', 'hostname', 'port', 'identitiesonly', 'stricthostkeychecking', 'hostkeyalias',
                                      'identityfile', 'userknownhostsfile', 'connecttimeout', 'proxyjump']

    @Shared @TempDir Path dir
    @Shared Path home = Path.of(System.getProperty('user.home'))
    @Shared String user = System.getProperty('user.name')

    def setupSpec() {
        Files.createDirectories(dir.resolve('inc'))
        Files.writeString(dir.resolve('inc/10-a.conf'), '''
Host inc*
  User fromInclude
  Port 2022
''')
        Files.writeString(dir.resolve('inc/20-b.conf'), '''
Host inc2
  User neverWins
  HostName included-%h
Host *
  ConnectTimeout 11
''')
    }

    Path write(String name, String text) {
        Path f = dir.resolve(name)
        Files.writeString(f, text.replace('@DIR@', dir.toString()))
        f
    }

    static List<String> sshG(Path config, String host) {
        Process p = new ProcessBuilder('ssh', '-G', '-F', config.toString(), host).redirectErrorStream(false).start()
        p.outputStream.close()
        String out = p.inputStream.text
        p.waitFor()
        out.readLines().findAll { line -> KEYS.contains(line.split(' ', 2)[0]) }
    }

    static List<String> normalise(List<String> lines) {
        // identityfile order matters (kept), the rest sorted by key for a stable comparison
        lines.sort(false) { a, b -> a.split(' ', 2)[0] <=> b.split(' ', 2)[0] ?: 0 }
    }

    static boolean refuses(SshConfigResolver r, String host) {
        try {
            r.resolve(host)
            return false
        } catch (UserError e) {
            return true
        }
    }

    @Unroll
    def "#name: resolves #host like ssh -G"() {
        given:
        Path cfg = write("cfg-${name}", config)
        SshConfigResolver r = SshConfigResolver.load([cfg], home, user)

        List<String> expected = normalise(sshG(cfg, host))

        expect: 'ssh -G printing nothing means ssh refuses the host; the resolver must refuse it too'
        expected.isEmpty() ? refuses(r, host) : normalise(r.resolve(host).sshGLines()) == expected

        where:
        name               | host      | config
        'empty'            | 'plain'   | '# nothing\n'
        'host-star'        | 'web1'    | 'Host web*\n  User alice\n  Port 2222\nHost *\n  User bob\n'
        'first-wins'       | 'web1'    | 'Host *\n  User first\nHost web1\n  User second\n  Port 33\nHost *\n  Port 44\n'
        'negation'         | 'web3'    | 'Host web* !web3\n  User alice\nHost *\n  User other\n'
        'negation-other'   | 'web4'    | 'Host web* !web3\n  User alice\nHost *\n  User other\n'
        'question'         | 'db1'     | 'Host db?\n  User q\n'
        'question-miss'    | 'db10'    | 'Host db?\n  User q\n'
        'case-sensitive'   | 'Web1'    | 'Host web*\n  User lower\nHost Web*\n  User upper\n'
        'comma-is-literal' | 'a'       | 'Host a,b\n  User comma\n'
        'names-only'       | 'h2'      | 'Host h1 h1.x\n  HostName one\nHost h2.x h2\n  HostName two\nHost h*\n  User all\n'
        'names-only-fqdn'  | 'h2.x'    | 'Host h1 h1.x\n  HostName one\nHost h2.x h2\n  HostName two\nHost h*\n  User all\n'
        'names-only-miss'  | 'h3'      | 'Host h1 h1.x\n  HostName one\nHost h2.x h2\n  HostName two\nHost h*\n  User all\n'
        'names-only-case'  | 'Web1'    | 'Host web1\n  User lower\nHost Web1\n  User upper\n'
        'names-and-neg'    | 'h2'      | 'Host h1 !h2\n  User neg\nHost h2\n  User plain\n'
        'names-interleave' | 'a1'      | 'IdentityFile /pre\nHost a1\n  Port 11\nHost a*\n  User star\nHost a2 a1\n  Port 22\n  User named\nMatch user star\n  HostName m-%h\nHost a1\n  ConnectTimeout 5\n'
        'names-interleave2'| 'a2'      | 'IdentityFile /pre\nHost a1\n  Port 11\nHost a*\n  User star\nHost a2 a1\n  Port 22\n  User named\nMatch user star\n  HostName m-%h\nHost a1\n  ConnectTimeout 5\n'
        'names-interleave3'| 'b'       | 'IdentityFile /pre\nHost a1\n  Port 11\nHost a*\n  User star\nHost a2 a1\n  Port 22\n  User named\nMatch user star\n  HostName m-%h\nHost a1\n  ConnectTimeout 5\n'
        'hostname-%h'      | 'web1'    | 'Host web*\n  HostName %h.example.com\n'
        'hostname-%%'      | 'web1'    | 'Host *\n  HostName x%%y-%h\n'
        'hostname-lower'   | 'kx'      | 'Host kx\n  HostName "KX.Example.COM"\n'
        'equals-syntax'    | 'kx'      | 'Host=kx\n  User = "quoted user"\n  Port=2200\n'
        'inline-comment'   | 'kx'      | 'Host kx # comment\n  User alice   # trailing\n'
        'identityfiles'    | 'w'       | 'Host *\n  IdentityFile ~/.ssh/id_%h_%r\n  IdentityFile /keys/k2\n'
        'identity-accum'   | 'w'       | 'Host w\n  IdentityFile /a\nHost *\n  IdentityFile /b\n'
        'identitiesonly'   | 'w'       | 'Host *\n  IdentitiesOnly yes\n'
        'proxyjump'        | 'pj'      | 'Host pj\n  ProxyJump bob@hop1:2201,hop2\n'
        'proxyjump-uri'    | 'pj'      | 'Host pj\n  ProxyJump ssh://u@h:99\n'
        'proxyjump-none'   | 'nj'      | 'Host nj\n  ProxyJump none\nHost *\n  ProxyJump bastion\n'
        'proxyjump-first'  | 'pj'      | 'Host *\n  ProxyJump b1\nHost pj\n  ProxyJump b2\n'
        'known-hosts-many' | 'kh'      | 'Host kh\n  UserKnownHostsFile ~/kh1 /tmp/kh2 ~/.ssh/kh_%h_%p_%r_%n_%u %d/x %%lit\n  HostName real.example\n  Port 2022\n'
        'strict-accept'    | 's'       | 'Host *\n  StrictHostKeyChecking accept-new\n'
        'strict-no'        | 's'       | 'Host *\n  StrictHostKeyChecking no\n'
        'strict-yes'       | 's'       | 'Host *\n  StrictHostKeyChecking yes\n'
        'strict-ask'       | 's'       | 'Host *\n  StrictHostKeyChecking ask\n'
        'connect-timeout'  | 'c'       | 'Host *\n  ConnectTimeout 7\n'
        'connect-timeout-m'| 'c'       | 'Host *\n  ConnectTimeout 1m30s\n'
        'connect-none'     | 'c'       | 'Host *\n  ConnectTimeout none\n'
        'hostkeyalias'     | 'c'       | 'Host c\n  HostKeyAlias alias-%h\n'
        'include-glob'     | 'inc1'    | 'Include @DIR@/inc/*.conf\nHost *\n  User late\n'
        'include-order'    | 'inc2'    | 'Include @DIR@/inc/*.conf\n'
        'include-inactive' | 'other'   | 'Host nomatch\n  Include @DIR@/inc/*.conf\nHost *\n  ConnectTimeout 3\n'
        'include-active'   | 'inc1'    | 'Host inc1\n  Include @DIR@/inc/*.conf\n  Port 9\n'
        'match-host'       | 'first'   | 'Host first\n  User setfirst\nMatch user setfirst\n  Port 3333\nMatch host first\n  HostName h-%h\nMatch host h-first\n  ConnectTimeout 9\n'
        'match-negated'    | 'other'   | 'Match !host zzz\n  HostKeyAlias notzzz\nMatch all\n  IdentityFile /k/all\n'
        'match-list'       | 'mx1'     | 'Match host mx*,!mxbad\n  User matched\n'
        'match-list-neg'   | 'mxbad'   | 'Match host mx*,!mxbad\n  User matched\n'
        'match-original'   | 'mo1'     | 'Match originalhost mo*\n  HostName mo.real\n'
        'match-localuser'  | 'lu'      | "Match localuser ${System.getProperty('user.name')}\n  User fromlocal\n"
        'match-exec-false' | 'ex'      | 'Match exec "false"\n  User fromexec\n'
        'jump-loop'        | 'b1'      | 'Host *\n  ProxyJump b1\n'
        'jump-loop-chain'  | 'b1'      | 'Host *\n  ProxyJump b0,b1\n'
        'jump-loop-port'   | 'b1'      | 'Host *\n  ProxyJump u@b1:22\n'
        'jump-loop-hn'     | 'b1'      | 'Host *\n  ProxyJump realb1\nHost b1\n  HostName realb1\n'
        'jump-bastion'     | 'web'     | 'Host * !bastion\n  ProxyJump bastion\n'
    }

    def "ProxyJump chains resolve each hop with its own configuration"() {
        given:
        Path cfg = write('cfg-chain', '''
Host target
  HostName 10.0.0.5
  ProxyJump bob@hop1:2201,hop2
Host hop1
  HostName hop1.example
  ProxyJump hop0
Host hop2
  User carol
  ProxyJump ignored-because-chain-overrides
Host hop0
  Port 2000
''')
        def r = SshConfigResolver.load([cfg], home, user).resolve('target')

        expect:
        r.proxyJump()*.destination() == ['bob@hop1.example:2201', 'carol@hop2']
        r.proxyJump()[0].proxyJump()*.destination() == ["${user}@hop0:2000"]
        r.proxyJump()[1].proxyJump()*.alias() == ['hop1']
        r.proxyJump()[1].proxyJump()[0].user() == 'bob'
        r.route() == "${user}@hop0:2000 -> bob@hop1.example:2201 -> carol@hop2 -> ${user}@10.0.0.5"
        // and each hop agrees with ssh -G for that hop alone
        normalise(SshConfigResolver.load([cfg], home, user).resolve('hop1').sshGLines()) == normalise(sshG(cfg, 'hop1'))
    }

    def "a ProxyJump loop is a one-line error"() {
        given:
        Path cfg = write('cfg-loop', 'Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n')

        when:
        def r = SshConfigResolver.load([cfg], home, user).resolve('a')

        then: 'resolution succeeds (ssh -G prints it) but the host carries the problem, in one line'
        r.proxyJumpSpec() == 'b'
        r.problem().contains('ProxyJump') || r.problem().contains('jumphost loop')
        !r.problem().contains('\n')
    }

    def "relative Include is read from the given home's .ssh directory"() {
        given:
        Path fakeHome = dir.resolve('fakehome')
        Files.createDirectories(fakeHome.resolve('.ssh/conf.d'))
        Files.writeString(fakeHome.resolve('.ssh/conf.d/x.conf'), 'Host *\n  User relative\n')
        Path cfg = write('cfg-rel', 'Include conf.d/*.conf\n')

        expect:
        SshConfigResolver.load([cfg], fakeHome, 'me').resolve('h').user() == 'relative'
    }

    def "defaults: local user, port 22, OpenSSH's identity list, known_hosts under the given home"() {
        given:
        def r = SshConfigResolver.empty(Path.of('/home/op'), 'op').resolve('Host1')

        expect:
        r.user() == 'op'
        r.port() == 22
        r.hostName() == 'host1'
        r.identityPaths()*.toString().contains('/home/op/.ssh/id_ed25519')
        r.userKnownHostsFiles()*.toString() == ['/home/op/.ssh/known_hosts', '/home/op/.ssh/known_hosts2']
        r.strictHostKeyChecking() == null
        r.connectTimeout() == null
        r.knownHostsName() == 'host1'
    }

    def "an unreadable config is a one-line UserError"() {
        given:
        Path d = dir.resolve('a-directory')
        Files.createDirectories(d)

        when:
        SshConfigResolver.load([d], home, user)

        then:
        def e = thrown(UserError)
        e.message.startsWith('cannot read ssh config')
    }

    def "a missing config file is the same as an empty one"() {
        expect:
        SshConfigResolver.load([dir.resolve('nope')], home, 'me').resolve('h').user() == 'me'
    }
}
