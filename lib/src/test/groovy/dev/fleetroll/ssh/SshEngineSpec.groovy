package dev.fleetroll.ssh

import dev.fleetroll.UserError
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import java.nio.file.Files
import java.nio.file.Path
import spock.lang.Specification
import spock.lang.TempDir

class SshEngineSpec extends Specification {
    @TempDir
    Path dir

    def "a bad ssh.strict_host_key_checking is one line naming the setting, before any connection"() {
        given:
        Path project = dir.resolve('project')
        Files.createDirectories(project.resolve('configs'))
        project.resolve('configs/fleetroll.yaml').text = 'ssh:\n  strict_host_key_checking: maybe\n'
        def home = new FleetrollHome(dir.resolve('home'))
        def ws = Workspace.of(home, project, [FLEETROLL_HOME: home.dir().toString(), HOME: dir.toString()])

        when:
        SshEngine.open(ws)

        then:
        def e = thrown(UserError)
        e.message == "ssh.strict_host_key_checking: StrictHostKeyChecking 'maybe' is not yes, no or accept-new (fix it in the fleetroll config)"
    }
}
