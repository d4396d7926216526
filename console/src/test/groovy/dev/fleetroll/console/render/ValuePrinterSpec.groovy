package dev.fleetroll.console.render

import dev.fleetroll.state.HostState
import dev.fleetroll.state.TestObservations
import java.time.Duration
import spock.lang.Specification

class ValuePrinterSpec extends Specification {
    def "a HostState prints one line per property: durations, times with their age, records as key=value, short shas"() {
        given:
        def s = TestObservations.state('t-linux64-ms-001.example.com', uptime: Duration.ofHours(3) + Duration.ofMinutes(12),
                branch: 'resolverd-fix', age: Duration.ofMinutes(5), puppetAge: Duration.ofHours(2))
        def text = ValuePrinter.properties(s)
        def lines = text.readLines()
        def prop = { String name -> lines.find { it.startsWith(name + ' ') }?.substring(name.length())?.trim() }

        expect:
        lines.size() == HostState.recordComponents.length
        lines*.takeWhile { it != ' ' } == HostState.recordComponents*.name
        prop('name') == 't-linux64-ms-001.example.com'
        prop('uptime') == '3h12m'
        prop('dataAge') == '5m'
        prop('auditedAt') == '2026-11-20T11:55:00Z (5m ago)'
        prop('outcome') == 'ok'
        prop('vaultSha') == 'bbbbbbbbbbbb'
        prop('override').startsWith('sha=aaaaaaaaaaaa, humanhash=')
        prop('override').contains('branch=resolverd-fix')
        prop('puppet').contains('at=2026-11-20T10:00:00Z (2h ago)')
        prop('puppet').contains('success=true')
        prop('tc') == 'null'
        !text.contains('11520') // not raw seconds
    }
}
