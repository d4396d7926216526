package dev.fleetroll.util

import spock.lang.Specification

import java.time.Instant
import java.time.OffsetDateTime
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import java.time.format.DateTimeParseException

class InstantsSpec extends Specification {
    static final DateTimeFormatter FORMATTER =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC)

    static Instant orNull(String s) {
        try {
            OffsetDateTime.parse(s).toInstant()
        } catch (DateTimeParseException ignored) {
            null
        }
    }

    def "millisUtc writes what the formatter writes: #t"() {
        expect:
        Instants.millisUtc(t) == FORMATTER.format(t)

        where:
        t << [Instant.EPOCH, Instant.parse('2026-12-07T23:59:59.999Z'), Instant.parse('2024-02-29T00:00:00.000500Z'),
              Instant.parse('1969-12-31T23:59:59.001Z'), Instant.ofEpochMilli(-1), Instant.parse('0000-01-01T00:00:00Z'),
              Instant.parse('9999-12-31T23:59:59.999Z'), Instant.parse('+10000-01-01T00:00:00Z'),
              Instant.parse('-0001-12-31T23:59:59Z')]
    }

    def "millisUtc agrees with the formatter over 20,000 random instants of years 0-9999"() {
        given:
        def random = new Random(7)
        long first = Instant.parse('0000-01-01T00:00:00Z').toEpochMilli()
        long last = Instant.parse('9999-12-31T23:59:59.999Z').toEpochMilli()

        expect:
        (1..20_000).every {
            def t = Instant.ofEpochMilli(first + (long) (random.nextDouble() * (last - first))).plusNanos(random.nextInt(1_000_000))
            Instants.millisUtc(t) == FORMATTER.format(t)
        }
    }

    def "parseRfc3339 reads what OffsetDateTime.parse reads: #text"() {
        expect:
        Instants.parseRfc3339(text) == orNull(text)
        Instants.parseRfc3339(text) != null

        where:
        text << ['2024-05-01T12:00:00Z', '2024-05-01t12:00:00z', '2024-05-01T12:00:00.5Z', '2024-05-01T12:00:00.123456789Z',
                 '2024-05-01T14:00:00+02:00', '2024-05-01T09:30:00.250-02:30', '2024-02-29T23:59:59+00:00',
                 '1969-12-31T23:59:59.999Z', '0001-01-01T00:00:00Z', '2024-05-01T00:00:00+18:00']
    }

    def "parseRfc3339 says null, for the caller's other forms, to anything else: '#text'"() {
        expect:
        Instants.parseRfc3339(text) == null

        where:
        text << ['', 'NA', '1714564800', '2024-05-01 12:00:00Z', '2024-05-01T12:00Z', '2024-05-01T12:00:00',
                 '2024-05-01T12:00:00.Z', '2024-05-01T12:00:00.1234567891Z', '2024-02-30T12:00:00Z', '2024-05-01T24:00:00Z',
                 '2024-05-01T12:00:00+0200', '2024-05-01T12:00:00+19:00', '2024-05-01T12:00:00Z trailing', '2024-5-01T12:00:00Z',
                 '2024-05-01T12:00:60Z', '２０２４-05-01T12:00:00Z']
    }
}
