package dev.fleetroll.sandbox

import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path

/** A sandbox that logs in as a non-root user with passwordless sudo, created inside its hosts only. */
@Requires({ SandboxFixture.supported() })
class SandboxLoginUserSpec extends Specification {
    @Shared
    @AutoCleanup
    SandboxFixture fleet = SandboxFixture.start(2) { it.withLoginUser('fleetci') }

    def "ssh logs in as the login user, who can sudo -n to read root's files (#name)"() {
        given:
        def h = fleet.host(name)

        when:
        def r = fleet.exec(name, "id -un; echo \$HOME; sudo -n id -un; sudo -n cat ${h.vaultPath()} | head -n 1; cat ${h.vaultPath()} 2>&1 >/dev/null | head -n 1")
        def lines = r.out().readLines()

        then:
        r.ok()
        lines[0] == 'fleetci'
        lines[1] == '/home/fleetci'
        lines[2] == 'root'
        lines[3] == h.vault().readLines()[0]
        lines[4].contains('Permission denied')

        where:
        name << ['t-linux64-ms-001', 'macmini-r8-001']
    }

    def "the user exists only inside the hosts"() {
        expect:
        !Files.readString(Path.of('/etc/passwd')).contains('fleetci:')
        fleet.loginUser() == 'fleetci'
        fleet.sshConfig().text.contains('User fleetci')
    }
}
