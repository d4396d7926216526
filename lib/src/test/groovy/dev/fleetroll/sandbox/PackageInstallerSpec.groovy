package dev.fleetroll.sandbox

import dev.fleetroll.UserError
import java.nio.file.Files
import java.nio.file.Path
import spock.lang.Specification
import spock.lang.TempDir

/**
 * The installer against a stand-in apt-get (a script that logs its calls and "installs" a package by creating the
 * programs the table names under a temp dir), so no package is really installed. The real command paths (demo,
 * sandbox up, the build's step) are exercised with real programs hidden in PrerequisiteInstallSpec (console).
 */
class PackageInstallerSpec extends Specification {
    @TempDir
    Path dir

    Path bin
    Path policy
    Path log

    def setup() {
        bin = dir.resolve('bin')
        policy = dir.resolve('sbin/policy-rc.d')
        log = dir.resolve('apt.log')
        Files.createDirectories(bin)
        Files.createDirectories(policy.parent)
    }

    boolean present(Prerequisite p) {
        Files.isExecutable(bin.resolve(Path.of(p.program()).fileName.toString()))
    }

    PackageInstaller installer(Path aptGet, boolean root = true) {
        new PackageInstaller(this.&present, policy, aptGet, root)
    }

    /**
     * An apt-get that logs "ARGS | policy:LAST-LINE | DEBIAN_FRONTEND", fails 'install' FAILS times, and on success
     * creates the programs of every package it was asked for (or only those in ONLY, when given).
     */
    Path aptGet(int installFailures = 0, boolean updateFails = false, List<String> only = null) {
        def programs = Prerequisite.values().collect { p -> "${p.debianPackage()}:${Path.of(p.program()).fileName}" }
        def apt = dir.resolve('apt-get')
        apt.text = """#!/bin/sh
echo "\$* | policy:\$(tail -1 '${policy}' 2>/dev/null) | \$DEBIAN_FRONTEND" >> '${log}'
case \$1 in
  update) ${updateFails ? 'echo "E: no network" >&2; exit 100' : 'exit 0'} ;;
  install)
    n=\$(grep -c '^install' '${log}')
    if [ "\$n" -le ${installFailures} ]; then echo "E: Unable to locate package \$5" >&2; exit 100; fi
    shift 4
    for pkg in "\$@"; do
      for pp in ${programs.join(' ')}; do
        if [ "\${pp%%:*}" = "\$pkg" ] ${only == null ? '' : "&& echo ' ${only.join(' ')} ' | grep -q \" \${pp#*:} \""}; then
          printf '#!/bin/sh\\n' > '${bin}'/"\${pp#*:}"; chmod +x '${bin}'/"\${pp#*:}"
        fi
      done
    done ;;
esac
"""
        apt.toFile().setExecutable(true)
        apt
    }

    def phases = []
    SandboxProgress progress = new SandboxProgress() {
        void update(String phase, int done, int total) { phases << phase }

        void notice(String line) { phases << 'notice: ' + line }
    }

    def "nothing happens when every program is there"() {
        given:
        Prerequisite.SANDBOX.each { p ->
            def f = bin.resolve(Path.of(p.program()).fileName.toString())
            f.text = '#!/bin/sh\n'
            f.toFile().setExecutable(true)
        }

        when:
        installer(aptGet()).ensure(Prerequisite.SANDBOX, 'the sandbox', progress)

        then:
        !Files.exists(log)
        phases.isEmpty()
    }

    def "installs every missing package in one apt-get call with service starts forbidden, then removes the policy it wrote"() {
        given:
        ['git', 'mount', 'mknod', 'kill', 'unshare', 'nsenter', 'setsid'].each {
            bin.resolve(it).text = '#!/bin/sh\n'
            bin.resolve(it).toFile().setExecutable(true)
        }

        when:
        installer(aptGet()).ensure([Prerequisite.SSHD, Prerequisite.GIT, Prerequisite.SUDO, Prerequisite.TMUX],
                'the sandbox', progress)

        then: 'only the missing ones, each package once'
        log.readLines() == ['install -y -q --no-install-recommends openssh-server sudo tmux | policy:exit 101 | noninteractive']
        present(Prerequisite.SSHD) && present(Prerequisite.SUDO) && present(Prerequisite.TMUX)
        !Files.exists(policy)
        phases == ['notice: installing openssh-server sudo tmux (apt-get install; missing: /usr/sbin/sshd, sudo, tmux)']
    }

    def "the openssh-client programs share one package"() {
        when:
        installer(aptGet()).ensure([Prerequisite.SSH, Prerequisite.SSH_KEYGEN, Prerequisite.SSH_AGENT], 'the test suite', progress)

        then:
        log.readLines()*.replaceAll(/ \|.*/, '') == ['install -y -q --no-install-recommends openssh-client']
    }

    def "a failed install runs apt-get update and tries once more; an existing policy-rc.d is left as it was"() {
        given:
        policy.text = '#!/bin/sh\n# the admin\'s own\nexit 0\n'

        when:
        installer(aptGet(1)).ensure([Prerequisite.SSHD], 'the sandbox', progress)

        then:
        log.readLines()*.replaceAll(/ \|.*/, '') == ['install -y -q --no-install-recommends openssh-server', 'update',
                                                    'install -y -q --no-install-recommends openssh-server']
        present(Prerequisite.SSHD)
        policy.text == '#!/bin/sh\n# the admin\'s own\nexit 0\n'
    }

    def "when apt-get cannot install them the error is one sentence with apt's last line, and the policy is gone"() {
        when:
        installer(aptGet(5, updateFails)).ensure([Prerequisite.SSHD, Prerequisite.TMUX], 'the sandbox', progress)

        then:
        def e = thrown(UserError)
        e.message.startsWith('could not install openssh-server tmux with apt-get (exit 100: E: ')
        e.message.endsWith('install them by hand (apt-get install openssh-server tmux) and run the command again')
        !e.message.contains('\n')
        !Files.exists(policy)
        !present(Prerequisite.SSHD)

        where:
        updateFails << [false, true]
    }

    def "apt-get that succeeds without providing the program: named, not a later confusing failure"() {
        when:
        installer(aptGet(0, false, ['sshd'])).ensure([Prerequisite.SSHD, Prerequisite.TMUX], 'the test suite', progress)

        then:
        def e = thrown(UserError)
        e.message == 'apt-get installed openssh-server tmux but tmux is still missing; install it by hand and run the command again'
        !Files.exists(policy)
    }

    def "no apt-get: says to install the packages with the machine's package manager"() {
        when:
        installer(null).ensure([Prerequisite.SSHD], 'the sandbox', progress)

        then:
        def e = thrown(UserError)
        e.message == 'the sandbox needs /usr/sbin/sshd and this machine has no apt-get to install them: install openssh-server with its package manager'
    }

    def "not root: says so and gives the install command, without calling apt-get"() {
        when:
        installer(aptGet(), false).ensure([Prerequisite.SUDO, Prerequisite.INFOCMP], 'the test suite', progress)

        then:
        def e = thrown(UserError)
        e.message == 'the test suite needs sudo, infocmp, which are missing, and installing them needs root: run as root, or install them first (apt-get install sudo ncurses-bin)'
        !Files.exists(log)
        !Files.exists(policy)
    }

    def "not root, one program: the sentence says it, not them"() {
        when:
        installer(aptGet(), false).ensure([Prerequisite.TMUX], 'the test suite', progress)

        then:
        def e = thrown(UserError)
        e.message == 'the test suite needs tmux, which is missing, and installing it needs root: run as root, or install it first (apt-get install tmux)'
    }

    def "a policy-rc.d that cannot be written is one line; apt-get is not run without it"() {
        when:
        new PackageInstaller(this.&present, dir.resolve('no/such/dir/policy-rc.d'), aptGet(), true)
                .ensure([Prerequisite.SSHD], 'the sandbox', progress)

        then:
        def e = thrown(UserError)
        e.message.startsWith("cannot write ${dir.resolve('no/such/dir/policy-rc.d')} (it keeps the packages from starting services): ")
        e.message.endsWith('; install openssh-server by hand (apt-get install openssh-server)')
        !Files.exists(log)
    }

    def "an apt-get that cannot be started is one line"() {
        given:
        Path notExecutable = dir.resolve('apt-get-broken')
        notExecutable.text = 'not a program'

        when:
        installer(notExecutable).ensure([Prerequisite.SSHD], 'the sandbox', progress)

        then:
        def e = thrown(UserError)
        e.message.startsWith("cannot run ${notExecutable}")
        e.message.endsWith("; install the packages by hand with the machine's package manager")
        !e.message.contains('\n')
        !Files.exists(policy)
    }
}
