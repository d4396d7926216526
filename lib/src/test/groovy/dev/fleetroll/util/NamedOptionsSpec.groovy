package dev.fleetroll.util

import dev.fleetroll.UserError
import spock.lang.Specification

class NamedOptionsSpec extends Specification {
    def "known names pass; the first unknown one is named as written in a script, with the closest and every option"() {
        when:
        NamedOptions.check('reboot', [reason: 'r', fanuot: 2, bogus: 1], ['reason', 'fanout'])

        then:
        def e = thrown(UserError)
        e.message == "reboot: unknown option 'fanuot:' (did you mean 'fanout:'?); options: reason:, fanout:"

        when:
        NamedOptions.check('waitFor', [zzzzzz: 1], ['every'])

        then:
        e = thrown(UserError)
        e.message == "waitFor: unknown option 'zzzzzz:'; options: every:"

        when:
        NamedOptions.check('exec', [sudo: true, quiet: true], ['sudo', 'timeout', 'quiet'])
        NamedOptions.check('exec', null, ['sudo', 'timeout', 'quiet'])

        then:
        notThrown(UserError)
    }
}
