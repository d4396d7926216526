package dev.fleetroll.console.cli

import dev.fleetroll.console.testing.FleetrollProcess
import dev.fleetroll.sandbox.Prerequisite
import dev.fleetroll.sandbox.Sandbox
import dev.fleetroll.sandbox.SandboxFixture
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path

/**
 * What a newcomer meets on a fresh machine, through the real command paths ({@code fleetroll demo}, {@code fleetroll
 * sandbox up}, the build's prerequisite step) as separate processes: each runs in its own mount namespace where the
 * programs a fresh machine lacks are hidden (a bind mount of /dev/null over them), with a stand-in {@code apt-get}
 * first on PATH that logs its calls and "installs" a package by removing that mount. So the installer is reached
 * from the command an operator types, and what it installs is then really used by the command.
 */
@Requires({ SandboxFixture.supported() })
class FreshMachineSpec extends Specification {
    static final Path POLICY = Path.of('/usr/sbin/policy-rc.d')

    @Shared
    Path checkout = Path.of('..').toAbsolutePath().normalize()
    @Shared
    @AutoCleanup('cleanup')
    FleetrollProcess proc = new FleetrollProcess(fake: false, project: checkout)
    @Shared
    Path work = Files.createTempDirectory('fleetroll-fresh-')

    Path aptLog = work.resolve("apt-${UUID.randomUUID()}.log")
    String policyBefore = Files.exists(POLICY) ? POLICY.text : null

    def cleanupSpec() {
        proc.run(['sandbox', 'down'])
        work.toFile().deleteDir()
    }

    def cleanup() {
        assert (Files.exists(POLICY) ? POLICY.text : null) == policyBefore: 'policy-rc.d is as it was'
    }

    /** The real path of a program, as the commands would find it. */
    static String real(Prerequisite p) {
        p.program().startsWith('/') ? p.program() : ['sh', '-c', "command -v ${p.program()}"].execute().text.trim()
    }

    /**
     * A wrapper that runs its arguments in a private mount namespace with {@code hidden} masked, and PATH starting
     * with a stand-in apt-get ({@code aptMode}: ok, fail, or none: no apt-get at all, the real one masked too).
     */
    List<String> hiding(List<Prerequisite> hidden, String aptMode = 'ok') {
        Path bin = Files.createDirectories(work.resolve("bin-${UUID.randomUUID()}"))
        Path map = bin.resolve('packages.map')
        map.text = hidden.collect { "${it.debianPackage()} ${real(it)}\n" }.join('')
        List<String> masked = hidden.collect { real(it) }
        if (aptMode == 'none') {
            masked << ['sh', '-c', 'command -v apt-get'].execute().text.trim()
        } else {
            Path apt = bin.resolve('apt-get')
            apt.text = """#!/bin/sh
echo "\$* | policy:\$(tail -1 ${POLICY} 2>/dev/null) | \$DEBIAN_FRONTEND" >> '${aptLog}'
case \$1 in
  update) exit 0 ;;
  install)
    ${aptMode == 'fail' ? "echo \"E: Failed to fetch http://deb.debian.org/debian/pool/main/o/openssh/openssh-server.deb  Temporary failure resolving 'deb.debian.org'\" >&2; exit 100" : ''}
    shift 4
    for pkg in "\$@"; do
      while read -r p path; do if [ "\$p" = "\$pkg" ]; then umount "\$path"; fi; done < '${map}'
    done ;;
esac
"""
            apt.toFile().setExecutable(true)
        }
        Path wrapper = bin.resolve('hide')
        wrapper.text = """#!/bin/sh
export PATH='${bin}':\$PATH
exec unshare -m --propagation private sh -c 'for p in ${masked.join(' ')}; do mount --bind /dev/null "\$p" || exit 97; done; exec "\$@"' hide "\$@"
"""
        wrapper.toFile().setExecutable(true)
        [wrapper.toString()]
    }

    List<String> aptCalls() {
        Files.exists(aptLog) ? aptLog.readLines() : []
    }

    def "the demo on a machine without sshd installs openssh-server (no service started), then completes"() {
        when:
        def r = proc.runVia(hiding([Prerequisite.SSHD]), ['demo', '--hosts', '4'], '', [:], 300)

        then: 'the installer was reached from the demo, with service starts forbidden while apt-get ran'
        r.status == 0
        r.err.contains('installing openssh-server (apt-get install; missing: /usr/sbin/sshd)\n')
        aptCalls() == ['install -y -q --no-install-recommends openssh-server | policy:exit 101 | noninteractive']

        and: 'then the demo ran as usual against the fleet it brought up'
        r.out.startsWith('fleetroll demo: 4 sandbox hosts')
        r.out.contains('$ fleetroll run scripts/demo.groovy --dry-run\n')
        r.out.contains('Try next:')
        Sandbox.find(new dev.fleetroll.config.FleetrollHome(proc.home)).orElseThrow().status().hosts().size() == 4
    }

    def "sandbox up installs every missing sandbox program in one apt-get call: sshd, git, and sudo for a login user"() {
        when:
        def r = proc.runVia(hiding([Prerequisite.SSHD, Prerequisite.GIT, Prerequisite.SUDO]),
                ['sandbox', 'up', '2', '--login-user', 'ci'], '', [:], 300)

        then:
        r.status == 0
        aptCalls() == ['install -y -q --no-install-recommends openssh-server git sudo | policy:exit 101 | noninteractive']
        r.out.startsWith('sandbox up: 2 hosts')
        r.out.contains('logging in as ci')

        and: 'the fleet works: a root command through sudo on a host of it'
        def sb = Sandbox.find(new dev.fleetroll.config.FleetrollHome(proc.home)).orElseThrow()
        sb.exec(sb.hosts()[0].name(), 'sudo -n cat /etc/puppet_role').out() == sb.hosts()[0].role()
    }

    def "apt-get failing (offline mirror): one line with apt's reason and what to do; nothing started"() {
        given:
        proc.run(['sandbox', 'down'])

        when:
        def r = proc.runVia(hiding([Prerequisite.SSHD], 'fail'), ['sandbox', 'up', '2'])

        then:
        r.status == 2
        r.err.readLines().findAll { !it.startsWith('installing ') } == [
                "fleetroll: could not install openssh-server with apt-get (exit 100: E: Failed to fetch http://deb.debian.org/debian/pool/main/o/openssh/openssh-server.deb  Temporary failure resolving 'deb.debian.org'); install them by hand (apt-get install openssh-server) and run the command again"]
        aptCalls()*.replaceAll(/ \|.*/, '') == ['install -y -q --no-install-recommends openssh-server', 'update',
                                               'install -y -q --no-install-recommends openssh-server']
        !Files.exists(proc.home.resolve('sandbox'))
    }

    def "no apt-get at all: one line saying to use the machine's package manager"() {
        when:
        def r = proc.runVia(hiding([Prerequisite.SSHD], 'none'), ['demo'])

        then:
        r.status == 2
        r.err == 'fleetroll: the sandbox needs /usr/sbin/sshd and this machine has no apt-get to install them: install openssh-server with its package manager\n'
    }

    def "a system sshd on *:22 blocks every sandbox address: one line, nothing started"() {
        given: 'a listener on 0.0.0.0:22 in a network namespace of its own, as the system sshd would be'
        Path inner = work.resolve('listen-then-run')
        inner.text = """#!/bin/sh
perl -MIO::Socket::INET -e 'my \$s = IO::Socket::INET->new(LocalAddr => q(0.0.0.0), LocalPort => 22, Listen => 5, ReuseAddr => 1) or die qq(listen: \$!); sleep 600' </dev/null >/dev/null 2>&1 &
pid=\$!
i=0
while ! grep -q ' 00000000:0016 ' /proc/net/tcp; do i=\$((i + 1)); if [ \$i -gt 600 ]; then echo 'no listener' >&2; exit 96; fi; sleep 0.1; done
"\$@"; rc=\$?
kill \$pid
exit \$rc
"""
        inner.toFile().setExecutable(true)
        Path wrapper = work.resolve('netns')
        wrapper.text = "#!/bin/sh\nexec unshare -n '${inner}' \"\$@\"\n"
        wrapper.toFile().setExecutable(true)

        when:
        def r = proc.runVia([wrapper.toString()], ['sandbox', 'up', '2'])

        then:
        r.status == 2
        r.err.readLines().findAll { it.startsWith('fleetroll:') } == [
                'fleetroll: a program listens on 0.0.0.0:22 (probably the system sshd), which blocks every sandbox address 127.x.y.z:22; make it listen on specific addresses (ListenAddress) or stop it']
    }

    def "the build's prerequisite step installs what the tests need in one call, or stops with one line"() {
        given:
        String java = ProcessHandle.current().info().command().orElse('java')
        String cp = System.getProperty('surefire.test.class.path') ?: System.getProperty('java.class.path')
        def step = [java, '-cp', cp, 'dev.fleetroll.sandbox.PackageInstaller']

        when:
        def ok = FleetrollProcess.runCommand(hiding([Prerequisite.TMUX, Prerequisite.INFOCMP, Prerequisite.SUDO]) + step)

        then:
        ok.status == 0
        ok.err == 'fleetroll: installing sudo tmux ncurses-bin (apt-get install; missing: sudo, tmux, infocmp)\n'
        aptCalls() == ['install -y -q --no-install-recommends sudo tmux ncurses-bin | policy:exit 101 | noninteractive']

        when:
        aptLog.toFile().delete()
        def failed = FleetrollProcess.runCommand(hiding([Prerequisite.TMUX], 'fail') + step)

        then:
        failed.status == 1
        failed.err.readLines().findAll { !it.contains('installing ') } == [
                "fleetroll: could not install tmux with apt-get (exit 100: E: Failed to fetch http://deb.debian.org/debian/pool/main/o/openssh/openssh-server.deb  Temporary failure resolving 'deb.debian.org'); install them by hand (apt-get install tmux) and run the command again"]
    }
}
