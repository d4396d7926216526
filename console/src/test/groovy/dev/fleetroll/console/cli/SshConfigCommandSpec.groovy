package dev.fleetroll.console.cli

import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import java.nio.file.Files
import java.nio.file.Path
import spock.lang.Specification
import spock.lang.TempDir

class SshConfigCommandSpec extends Specification {
    @TempDir Path dir

    Map run(List<String> args) {
        def out = new ByteArrayOutputStream()
        def err = new ByteArrayOutputStream()
        Map<String, String> env = [HOME: System.getProperty('user.home'), USER: System.getProperty('user.name'), FLEETROLL_HOME: dir.resolve('home').toString()]
        def ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true), env,
                false, false, false, false, { Workspace.of(new FleetrollHome(dir.resolve('home')), null, env) })
        int code = new Cli(Commands.all()).run(args as String[], ctx)
        [code: code, out: out.toString(), err: err.toString()]
    }

    static List<String> sshG(Path cfg, String host) {
        def p = new ProcessBuilder('ssh', '-G', '-F', cfg.toString(), host).start()
        p.outputStream.close()
        def text = p.inputStream.text
        p.waitFor()
        text.readLines()
    }

    def "prints ssh -G style lines that match ssh -G, with fleetroll's effective policy and timeout"() {
        given:
        Path cfg = dir.resolve('cfg')
        Files.writeString(cfg, 'Host web*\n  HostName %h.example.com\n  User deploy\n  Port 2222\n  ProxyJump bastion\n  IdentityFile /keys/k\n')

        when:
        def r = run(['ssh-config', '-F', cfg.toString(), 'web1'])
        def g = sshG(cfg, 'web1')

        then:
        r.code == 0
        def lines = r.out.readLines()
        lines.contains('hostname web1.example.com')
        lines.contains('stricthostkeychecking accept-new')  // fleetroll's default, not ssh's "ask"
        lines.contains('connecttimeout 10')
        lines.findAll { !it.startsWith('stricthostkeychecking') && !it.startsWith('connecttimeout') }
                .every { g.contains(it) }
    }

    def "a Match fleetroll cannot evaluate (exec, localnetwork) is skipped with one warning per config line"() {
        given:
        def proc = new dev.fleetroll.console.testing.FleetrollProcess()
        Path cfg = dir.resolve('cfg-match')
        Files.writeString(cfg, 'Match exec "true"\n  User fromexec\nMatch localnetwork 10.0.0.0/8\n  Port 2200\nHost *\n  User deploy\n')

        when:
        def r = proc.run(['ssh-config', '-F', cfg.toString(), 'web1'])
        def warnings = r.err.readLines().findAll { it.contains('is not supported by fleetroll') }

        then:
        r.status == 0
        r.out.readLines().contains('user deploy')  // the exec block did not apply
        r.out.readLines().contains('port 22')
        warnings.size() == 2
        warnings[0].contains("${cfg}:1: 'Match exec' is not supported by fleetroll")
        warnings[1].contains("${cfg}:3: 'Match localnetwork' is not supported by fleetroll")
        warnings.every { it.endsWith('that block is skipped') }

        cleanup:
        proc?.dir?.toFile()?.deleteDir()
    }

    def "ConnectTimeout 0 means unset, as the engine treats it: the printed timeout is fleetroll's default"() {
        given:
        Path cfg = dir.resolve('cfg-ct0')
        Files.writeString(cfg, 'Host web*\n  ConnectTimeout 0\nHost db*\n  ConnectTimeout 3\n')

        expect:
        run(['ssh-config', '-F', cfg.toString(), 'web1']).out.readLines().contains('connecttimeout 10')
        run(['ssh-config', '-F', cfg.toString(), 'db1']).out.readLines().contains('connecttimeout 3')
    }

    def "an unreadable config is a one-line error with exit 2"() {
        given:
        Path d = dir.resolve('not-a-file')
        Files.createDirectories(d)
        Path cfg = dir.resolve('cfg2')
        Files.writeString(cfg, "Include ${d}\n")

        when:
        def missing = run(['ssh-config', '-F', dir.resolve('nope').toString(), 'h'])
        def unreadable = run(['ssh-config', '-F', cfg.toString(), 'h'])

        then:
        missing.code == 2
        missing.err.readLines().size() == 1
        missing.err.startsWith('fleetroll: ')
        unreadable.code == 2
        unreadable.err.readLines().size() == 1
        unreadable.err.contains('cannot read ssh config')
    }
}
