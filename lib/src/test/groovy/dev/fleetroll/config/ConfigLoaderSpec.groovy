package dev.fleetroll.config

import dev.fleetroll.UserError
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Path
import java.time.Duration

class ConfigLoaderSpec extends Specification {
    @TempDir
    Path tmp

    def "defaults load without any file"() {
        when:
        def c = ConfigLoader.load(new FleetrollHome(tmp.resolve('home')), null)

        then:
        c.ssh().fanout() == 64
        c.ssh().connectTimeout() == Duration.ofSeconds(10)
        c.ssh().strictHostKeyChecking() == 'accept-new'
        c.store().retention() == 10
    }

    def "layers apply in order: project, home, drop-ins; maps merge"() {
        given:
        def home = new FleetrollHome(tmp.resolve('home'))
        tmp.resolve('project/configs').toFile().mkdirs()
        tmp.resolve('home/config.d').toFile().mkdirs()
        tmp.resolve('project/configs/fleetroll.yaml').text = '''
inventory:
  expansions:
    moonshots: {match: '^ms-?(\\\\d+)$', replace: 't-linux64-ms-$1'}
ssh: {fanout: 10, connect_timeout: 3s}
'''
        tmp.resolve('home/config.yaml').text = 'ssh: {fanout: 20}\n'
        tmp.resolve('home/config.d/50-sandbox.yaml').text = '''
inventory:
  expansions:
    sandbox: {match: '^sb(\\\\d+)$', replace: 'sb$1.sandbox.test'}
'''

        when:
        def c = ConfigLoader.load(home, tmp.resolve('project'))

        then:
        c.ssh().fanout() == 20
        c.ssh().connectTimeout() == Duration.ofSeconds(3)
        c.inventory().expansions().keySet() as List == ['moonshots', 'sandbox']
    }

    def "an unknown key is blamed on its file"() {
        given:
        def home = new FleetrollHome(tmp.resolve('home'))
        tmp.resolve('home').toFile().mkdirs()
        tmp.resolve('home/config.yaml').text = 'ssh: {fanuot: 20}\n'

        when:
        ConfigLoader.load(home, null)

        then:
        def e = thrown(UserError)
        e.message.contains('config.yaml')
        e.message.contains("unknown key 'ssh.fanuot'")
    }

    def "a bad duration is one clear line"() {
        given:
        def home = new FleetrollHome(tmp.resolve('home'))
        tmp.resolve('home').toFile().mkdirs()
        tmp.resolve('home/config.yaml').text = 'ssh: {connect_timeout: soon}\n'

        when:
        ConfigLoader.load(home, null)

        then:
        def e = thrown(UserError)
        e.message.contains("'soon'")
        !e.message.contains('\n')
    }

    def "invalid YAML names the file"() {
        given:
        def home = new FleetrollHome(tmp.resolve('home'))
        tmp.resolve('home').toFile().mkdirs()
        tmp.resolve('home/config.yaml').text = 'ssh: [unclosed\n'

        when:
        ConfigLoader.load(home, null)

        then:
        def e = thrown(UserError)
        e.message.contains('is not valid YAML')
    }
}
