package dev.fleetroll.console.cli

import dev.fleetroll.ssh.BatchListener
import dev.fleetroll.ssh.Outcome
import spock.lang.Specification

class ProgressLineSpec extends Specification {

    def "redraws one line with done/total and failures, and erases it at the end"() {
        given:
        def bytes = new ByteArrayOutputStream()
        def p = new ProgressLine(new PrintStream(bytes, true, 'UTF-8'), 'auditing')

        when:
        p.started(3)
        p.hostFinished('a', Outcome.OK)
        p.hostFinished('b', Outcome.UNREACHABLE)
        p.hostFinished('c', Outcome.OK)
        p.finish()
        def text = bytes.toString('UTF-8')

        then:
        text.startsWith('\rauditing 0/3 hosts, 0 failed, 0:00')
        text.contains('\rauditing 3/3 hosts, 1 failed, 0:0')
        !text.contains('\n')
        text.endsWith('\r')
    }

    def "nothing is drawn when stderr is not a terminal"() {
        given:
        def ctx = new CliContext(new ByteArrayInputStream(new byte[0]), System.out, System.err, [:], false, false, false,
                false, { null })

        expect:
        ProgressLine.forTerminal(ctx, 'auditing').is(BatchListener.NONE)
    }
}
