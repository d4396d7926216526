package dev.fleetroll.state

import dev.fleetroll.ssh.Outcome
import java.time.Duration
import spock.lang.Specification

import static dev.fleetroll.state.TestObservations.*

class ColumnsSpec extends Specification {
    def cell(HostState s, String col) {
        Columns.standard().require(col).displayOf(s)
    }

    def "display cells"() {
        given:
        def s = state('ms-1', branch: 'resolverd-fix', puppetAge: Duration.ofMinutes(125), uptime: Duration.ofDays(3),
                age: Duration.ofSeconds(20))

        expect:
        cell(s, 'host') == 'ms-1'
        cell(s, 'os') == 'L'
        cell(s, 'ovr_bch') == 'resolverd-fix (aaaaaaaa)'
        cell(s, 'vlt_sha') ==~ /bbbbbbbb [a-z]+-[a-z]+/
        cell(s, 'pp_last') == '2h 05m'
        cell(s, 'uptime') == '3d 00h'
        cell(s, 'pp_sha') == 'ccccccc'
        cell(s, 'applied') == 'Y'
        cell(s, 'data') == '<1m'
        cell(s, 'ssh') == 'ok'
    }

    def "failed run, worker type override, unknown host"() {
        expect:
        cell(state('a', success: false, puppetAge: Duration.ofHours(7)), 'pp_last') == '7h 00m FAIL'
        cell(state('a', workerType: 'pool-x'), 'ovr_bch') == 'main (aaaaaaaa) *wt'
        cell(state('a', override: null), 'ovr_bch') == '-'
        cell(HostState.unknown('z', NOW), 'role') == '-'
        cell(HostState.unknown('z', NOW), 'applied') == '-'
        cell(HostState.of('z', failed('z', Outcome.TIMED_OUT), null, NOW), 'ssh') == 'timed-out'
    }

    def "displayed columns in monitor order: identity, liveness, then correctness"() {
        expect:
        Columns.standard().displayed()*.label() ==
                ['HOST', 'OS', 'ROLE', 'VLT_SHA', 'OVR_BCH', 'UPTIME', 'PP_LAST', 'PP_EXP', 'PP_SHA', 'PP_MATCH', 'APPLIED',
                 'TC_ACT', 'TC_T_DUR', 'TC_QUAR', 'POOL', 'DATA', 'HEALTHY', 'SSH', 'NOTE']
    }

    def "NOTE shows the newest note, with the count when several were added since the last clear"() {
        expect:
        cell(state('a', note: new HostNote('disk errors', 1, 'ops', NOW)), 'note') == 'disk errors'
        cell(state('a', note: new HostNote('bad cartridge', 3, 'ops', NOW)), 'note') == '(3) bad cartridge'
        cell(state('a'), 'note') == '-'
        Query.parse('note~cartridge').matches(state('a', note: new HostNote('bad cartridge', 3, 'ops', NOW)))
        Query.parse('note=').matches(state('a'))
        Columns.standard().displayedFor([state('a')])*.name().every { it != 'note' }
        Columns.standard().displayedFor([state('a', note: new HostNote('x', 1, 'ops', NOW))])*.name().contains('note')
    }

    def "later issues plug columns in"() {
        given:
        def owner = Column.of('owner', Column.Type.TEXT, true, 'owner', { HostState s -> null }, { HostState s -> null },
                'owners')
        def cols = Columns.standard().with(owner)

        expect:
        cols.require('owners').name() == 'owner'
        Query.parse('owner=', cols).matches(state('a'))
    }
}
