package dev.fleetroll.store

import com.fasterxml.jackson.databind.node.ObjectNode
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.AuditMemo
import dev.fleetroll.state.FileFacts
import dev.fleetroll.state.Observation
import dev.fleetroll.state.OverrideSettings
import dev.fleetroll.state.PuppetRun
import spock.lang.Specification

import java.time.Instant

class ObservationJsonSpec extends Specification {
    /** How observations were written before the streaming writer: the mapper's bean serialization. */
    static String beanWrite(Observation o) {
        def m = ObservationJson.mapper()
        ObjectNode node = m.createObjectNode()
        node.put('schema', ObservationJson.SCHEMA)
        node.setAll((ObjectNode) m.valueToTree(o))
        m.writeValueAsString(node)
    }

    static Observation beanRead(String json) {
        ObservationJson.mapper().readValue(json, Observation)
    }

    static final Instant T = Instant.parse('2026-12-07T23:45:01.042Z')

    static List<Observation> samples() {
        def full = Observations.ok('t-linux64-ms-001.ex', T)
        [
                full,
                full.withWarnings(['a "quoted"\nline', 'ünïcödé \u0001 tab\t', ''], new AuditMemo(1, 'tok', 1765150000L, 'o', 'v', '/p', 'q')),
                Observations.failed('h2.ex', T),
                Observation.failed('h3.ex', T, Outcome.FAILED, 'exit 3', 3, 0),
                new Observation('h4.ex', T, Outcome.OK, null, null, Long.MAX_VALUE, 'Darwin', 'h4', null, null,
                        new FileFacts(null, null, null, null, null, null, null), new OverrideSettings(null, null, null, 'wt'),
                        null, new PuppetRun(null, null, null, 1.0E-7d, null, null, null, null, null, null, true, null,
                        null, null, null), false, [], new AuditMemo(0, null, null, null, null, null, null)),
                new Observation('h5.ex', Instant.parse('1970-01-01T00:00:00Z'), Outcome.OK, null, 0, 1, null, null,
                        -1L, 'r', null, null, null, new PuppetRun('x', 2, T, 123456789.25d, false, -1, 'r', 'g', 'b',
                        's', null, 'vp', 'vs', 'op', 'os'), null, ['w'], null),
        ]
    }

    def "writes the bytes the bean serialization wrote, for every field's kinds of value"() {
        expect:
        samples().every { ObservationJson.write(it) == beanWrite(it) }
    }

    def "reads back what it writes, and what the bean serialization wrote, as the mapper read it"() {
        expect:
        samples().every { ObservationJson.read(ObservationJson.write(it)) == it }
        samples().every { ObservationJson.read(beanWrite(it)) == beanRead(beanWrite(it)) }
    }

    def "a row from a newer fleetroll (unknown fields anywhere) or an older one (fields missing) is readable"() {
        given:
        def json = '{"schema":2,"host":"h.ex","future":{"a":[1,{"b":null}]},"ts":"2026-12-07T23:45:01.042Z",' +
                '"outcome":"ok","puppet":{"source":"metadata","next":[true]},"warnings":["w"],"elapsedMs":5}'

        when:
        def o = ObservationJson.read(json)

        then:
        o == beanRead(json)
        o.host() == 'h.ex'
        o.puppet().source() == 'metadata'
        o.elapsedMs() == 5
        o.exitCode() == null
        o.memo() == null
    }

    def "scalars of another kind convert as the mapper converted them"() {
        given:
        def json = '{"host":"h","ts":"2026-12-07T23:45:01Z","outcome":"ok","exitCode":"3","elapsedMs":"7",' +
                '"uptimeSeconds":12.0,"workerRunning":"true","puppet":{"durationS":"1.5","at":"2026-12-07T23:45:01+01:00"}}'

        expect:
        ObservationJson.read(json) == beanRead(json)
        ObservationJson.read(json).puppet().at() == Instant.parse('2026-12-07T22:45:01Z')
    }

    def "an unreadable row is one UncheckedIOException naming the problem: #why"() {
        when:
        ObservationJson.read(json)

        then:
        UncheckedIOException e = thrown()
        e.message.startsWith('unreadable stored observation: ')
        e.message.contains(why)

        where:
        json                                          || why
        '{"host":"h","outcome":"sideways"}'           || "'sideways' is not an outcome label"
        '{"host":"h","ts":"yesterday"}'               || "'yesterday' is not a time"
        '{"host":"h","warnings":"one"}'               || "expected a list for 'warnings'"
        '{"host":"h","exitCode":{"a":1}}'             || "expected a number for 'exitCode'"
        '{"host":"h",'                                || 'Unexpected end-of-input'
        '[1]'                                         || 'expected an object'
        'null'                                        || 'no observation'
    }
}
