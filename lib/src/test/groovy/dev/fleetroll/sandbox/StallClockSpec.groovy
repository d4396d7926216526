package dev.fleetroll.sandbox

import java.time.Duration
import spock.lang.Specification

class StallClockSpec extends Specification {
    static final long S = 1_000_000_000L

    def "a wait is given up only after the budget passes with nothing changing, however long it took in all"() {
        given:
        def clock = new StallClock(Duration.ofSeconds(10))

        expect: 'the sign changes every 9 s for 90 s: never stalled'
        (0..10).every { !clock.stalled(it, it * 9 * S) }

        and: 'then it stays the same: not stalled at exactly the budget, stalled just past it'
        !clock.stalled(10, 100 * S)
        !clock.stalled(10, 90 * S + 10 * S)
        clock.stalled(10, 90 * S + 10 * S + 1)
        clock.quietSeconds(101 * S) == 11

        and: 'a change starts the budget again'
        !clock.stalled(11, 102 * S)
        !clock.stalled(11, 111 * S)
    }

    def "signs are compared by equals, so records and lists of readings work"() {
        given:
        def clock = new StallClock(Duration.ofSeconds(1))

        expect:
        !clock.stalled(new SignOfLife(3, 100, 7), 0)
        clock.stalled(new SignOfLife(3, 100, 7), 2 * S)
        !clock.stalled([new SignOfLife(3, 100, 8), 1], 3 * S)
    }

    def "the budget must be positive"() {
        when:
        new StallClock(Duration.ZERO)

        then:
        thrown(IllegalArgumentException)
    }
}
