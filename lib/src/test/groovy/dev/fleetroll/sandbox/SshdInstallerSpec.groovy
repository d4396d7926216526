package dev.fleetroll.sandbox

import dev.fleetroll.UserError
import java.nio.file.Files
import java.nio.file.Path
import spock.lang.Specification
import spock.lang.TempDir

/** The installer against a stand-in apt-get (a script that logs its calls), so no package is really installed. */
class SshdInstallerSpec extends Specification {
    @TempDir
    Path dir

    Path sshd
    Path policy
    Path log

    def setup() {
        sshd = dir.resolve('sbin/sshd')
        policy = dir.resolve('sbin/policy-rc.d')
        log = dir.resolve('apt.log')
        Files.createDirectories(sshd.parent)
    }

    /** An apt-get that logs "ARGS | policy:CONTENT-OF-LAST-LINE", fails 'install' FAILS times, and creates sshd on success. */
    Path aptGet(int installFailures = 0, boolean updateFails = false) {
        def apt = dir.resolve('apt-get')
        apt.text = """#!/bin/sh
echo "\$* | policy:\$(tail -1 '${policy}' 2>/dev/null) | \$DEBIAN_FRONTEND" >> '${log}'
case \$1 in
  update) ${updateFails ? 'echo "E: no network" >&2; exit 100' : 'exit 0'} ;;
  install)
    n=\$(grep -c '^install' '${log}')
    if [ "\$n" -le ${installFailures} ]; then echo "E: Unable to locate package openssh-server" >&2; exit 100; fi
    printf '#!/bin/sh\\n' > '${sshd}'; chmod +x '${sshd}' ;;
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

    def "nothing happens when sshd is there"() {
        given:
        sshd.text = '#!/bin/sh\n'
        sshd.toFile().setExecutable(true)

        when:
        new SshdInstaller(sshd, policy, aptGet()).ensure(progress)

        then:
        !Files.exists(log)
        phases.isEmpty()
    }

    def "installs openssh-server with service starts forbidden, then removes the policy it wrote"() {
        when:
        new SshdInstaller(sshd, policy, aptGet()).ensure(progress)

        then:
        log.readLines() == ['install -y -q --no-install-recommends openssh-server | policy:exit 101 | noninteractive']
        Files.isExecutable(sshd)
        !Files.exists(policy)
        phases == ["notice: installing openssh-server (apt-get install; sshd is not at ${sshd})".toString()]
    }

    def "a failed install runs apt-get update and tries once more; an existing policy-rc.d is left as it was"() {
        given:
        policy.text = '#!/bin/sh\n# the admin\'s own\nexit 0\n'

        when:
        new SshdInstaller(sshd, policy, aptGet(1)).ensure(progress)

        then:
        log.readLines()*.replaceAll(/ \|.*/, '') == ['install -y -q --no-install-recommends openssh-server', 'update',
                                                    'install -y -q --no-install-recommends openssh-server']
        Files.isExecutable(sshd)
        policy.text == '#!/bin/sh\n# the admin\'s own\nexit 0\n'
    }

    def "when apt-get cannot install it the error is one sentence with apt's last line, and the policy is gone"() {
        when:
        new SshdInstaller(sshd, policy, aptGet(5, updateFails)).ensure(progress)

        then:
        def e = thrown(UserError)
        e.message.startsWith('could not install openssh-server with apt-get (exit 100: E: ')
        e.message.endsWith('install it by hand and run the command again')
        !e.message.contains('\n')
        !Files.exists(policy)
        !Files.exists(sshd)

        where:
        updateFails << [false, true]
    }

    def "no apt-get: says to install it with the machine's package manager"() {
        when:
        new SshdInstaller(sshd, policy, null).ensure(progress)

        then:
        def e = thrown(UserError)
        e.message.contains('has no apt-get')
        e.message.contains('install openssh-server')
    }
}
