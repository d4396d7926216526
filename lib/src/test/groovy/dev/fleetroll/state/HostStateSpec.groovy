package dev.fleetroll.state

import dev.fleetroll.ssh.Outcome
import java.time.Duration
import spock.lang.Specification

import static dev.fleetroll.state.TestObservations.*

class HostStateSpec extends Specification {

    def "applied: #why"() {
        given:
        def obs = ok(opts, 'h1')

        expect:
        HostState.of('h1', obs, obs, NOW).applied() == expected

        where:
        why                                            | opts                                           || expected
        'run applied the current override'             | [override: SHA_A, applied: SHA_A]              || true
        'sha comparison ignores case'                  | [override: SHA_A, applied: SHA_A.toUpperCase()] || true
        'run applied an older override'                | [override: SHA_A, applied: SHA_B]              || false
        'run applied no override, one is there now'    | [override: SHA_A, applied: null]               || false
        'no override, none applied'                    | [override: null, applied: null]                || true
        'no override, the run applied one'             | [override: null, applied: SHA_A]               || false
        'last run failed'                              | [override: SHA_A, applied: SHA_A, success: false] || false
        'no run record'                                | [override: SHA_A, noPuppet: true]              || false
        'no override and no run record'                | [override: null, noPuppet: true]               || false
    }

    def "facts come from the last good audit when the latest one failed"() {
        given:
        def good = ok('h1', age: Duration.ofHours(3), role: 'builder', branch: 'fix-1')
        def bad = failed('h1', Outcome.UNREACHABLE, age: Duration.ofMinutes(1), error: 'no route to host')

        when:
        def s = HostState.of('h1', bad, good, NOW)

        then:
        !s.reachable()
        s.outcome() == Outcome.UNREACHABLE
        s.error() == 'no route to host'
        s.role() == 'builder'
        s.override().branch() == 'fix-1'
        s.override().humanhash() != null
        s.dataAge() == Duration.ofHours(3)
        s.auditedAt() == NOW - Duration.ofMinutes(1)
    }

    def "an override whose sha256 the audit could not read has no humanhash, and the state is still built"() {
        given:
        def o = ok('h1')
        def noSha = new Observation(o.host(), o.ts(), o.outcome(), o.error(), o.exitCode(), o.elapsedMs(), o.os(),
                o.hostname(), o.uptimeSeconds(), o.role(),
                new FileFacts(o.override().path(), '644', 'root', 'root', 120L, o.ts(), null),
                o.overrideSettings(), o.vault(), o.puppet(), o.workerRunning(), o.warnings())

        when:
        def s = HostState.of('h1', noSha, noSha, NOW)

        then:
        s.override().sha() == null
        s.override().humanhash() == null
        s.override().branch() == 'main'
    }

    def "one OS-letter table for host values and query operands: #os -> #letter"() {
        expect:
        HostState.osLetter(os) == letter
        state('h1', os: os).osLetter() == letter
        Query.parse("os=${os}").apply([state('h1', os: letter == null ? 'Linux' : os)])*.name() == ['h1']

        where:
        os           || letter
        'Linux'      || 'L'
        'Darwin'     || 'M'
        'osx'        || 'M'
        'mac'        || 'M'
        'Windows_NT' || 'W'
        'win'        || 'W'
        'FreeBSD'    || 'F'
    }

    def "a host never audited has no facts and is not reachable"() {
        when:
        def s = HostState.unknown('h9', NOW)

        then:
        !s.reachable()
        !s.applied()
        s.outcome() == null
        s.dataAge() == null
        s.role() == null
        !s.audited()
    }

    def "properties filled by later issues are null until then"() {
        when:
        def s = state('h1')

        then:
        s.expectedSha() == null
        s.ppMatch() == null
        s.healthy() == null
        s.tc() == null
        s.quarantined() == null
        s.note() == null
    }

    def "Groovy sees record components as properties"() {
        when:
        def s = state('h1', role: 'r1')

        then:
        s.role == 'r1'
        s.applied
        s.puppet.success
        s.override.branch == 'main'
    }
}
