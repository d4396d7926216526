package dev.fleetroll.util

import spock.lang.Specification

import java.time.Duration

class DurationsSpec extends Specification {
    def "parses #text"() {
        expect:
        Durations.parse(text) == expected

        where:
        text      || expected
        '20h'     || Duration.ofHours(20)
        '90m'     || Duration.ofMinutes(90)
        '2d'      || Duration.ofDays(2)
        '1h30m'   || Duration.ofMinutes(90)
        '2d 4h'   || Duration.ofHours(52)
        '45'      || Duration.ofSeconds(45)
        '500ms'   || Duration.ofMillis(500)
        '1.5h'    || Duration.ofMinutes(90)
    }

    def "rejects #text"() {
        expect:
        Durations.tryParse(text) == null

        where:
        text << ['', 'h', '5x', '1h foo', 'abc', null]
    }

    def "humanizes like the monitor"() {
        expect:
        Durations.humanize(Duration.ofSeconds(s)) == text

        where:
        s       || text
        42      || '42s'
        1020    || '17m'
        11100   || '3h 05m'
        187200  || '2d 04h'
    }

    def "formats compactly"() {
        expect:
        Durations.format(Duration.ofSeconds(5400)) == '1h30m'
        Durations.format(Duration.ofMillis(1500)) == '1s500ms'
    }
}
