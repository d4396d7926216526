package dev.fleetroll.console.progress

import dev.fleetroll.console.cli.CliContext
import dev.fleetroll.console.cli.ProgressLine
import dev.fleetroll.ssh.BatchListener
import dev.fleetroll.ssh.Outcome
import spock.lang.Specification

import java.nio.charset.StandardCharsets

/** The one progress model and renderer, as the CLI and the DSL both use them. */
class ProgressSpec extends Specification {

    def "phases: each started() begins the next verb's count from zero; the last verb names any later fan-out"() {
        given:
        def p = Progress.onStart('writing', 're-auditing')

        expect: 'nothing to show before the engine starts (a write may still wait for its confirmation)'
        p.snapshot() == null

        when:
        p.started(3)
        p.hostFinished('a', Outcome.OK)
        p.hostFinished('b', Outcome.UNREACHABLE)
        def first = p.snapshot()
        p.started(2)
        def second = p.snapshot()
        p.started(1)
        def third = p.snapshot()

        then:
        [first.verb(), first.done(), first.total(), first.failed()] == ['writing', 2, 3, 1]
        [second.verb(), second.done(), second.total(), second.failed()] == ['re-auditing', 0, 2, 0]
        third.verb() == 're-auditing'
        first.text() ==~ /writing: 2\/3 done, 1 failed  \d+\.\ds  \(Ctrl-C cancels\)/
        second.text() ==~ /re-auditing: 0\/2 done  \d+\.\ds  \(Ctrl-C cancels\)/

        when: 'closed: nothing more to draw'
        p.close()

        then:
        p.snapshot() == null
    }

    def "the display redraws with the terminal's own controls, cuts to the width, and erases when the progress closes"() {
        given:
        def term = new ByteArrayOutputStream()
        def display = new ProgressDisplay(term, LineControl.forTerm('xterm-256color'), { 30 })

        when:
        def p = display.show(Progress.of('audit', 3))
        p.started(3)
        p.hostFinished('a', Outcome.OK)
        p.close()
        def text = term.toString(StandardCharsets.UTF_8)

        then: 'carriage return and clr_eol from xterm-256color terminfo; never the last column'
        text.startsWith('\raudit: 0/3 done  0.')
        text.contains('\033[K')
        text.split('\r').findAll { it }.every { it.replace('\033[K', '').length() <= 29 }
        text.endsWith('\r\033[K')
        !text.contains('\n')
    }

    def "output written through the guard erases the line first, so a println never lands inside it"() {
        given:
        def term = new ByteArrayOutputStream()
        def display = new ProgressDisplay(term, LineControl.forTerm('xterm-256color'), { 0 })
        def out = new PrintStream(display.guard(term), true, 'UTF-8')
        def p = display.show(Progress.of('exec', 2))
        p.started(2)

        when:
        out.println('hello')
        def text = term.toString(StandardCharsets.UTF_8)

        then:
        text.contains('exec: 0/2 done')
        text.contains('\r\033[Khello')

        cleanup:
        p?.close()
    }

    def "a terminal without clr_eol (dumb) gets spaces over the old text"() {
        given:
        def c = LineControl.forTerm(term)

        expect:
        c.redraw('ab', 5) == expected
        c.erase(3) == erase

        where:
        term             || expected         | erase
        'dumb'           || '\rab   '         | '\r   \r'
        null             || '\rab   '         | '\r   \r'
        'tmux-256color'  || '\rab\033[K'      | '\r\033[K'
        'vt100'          || '\rab\033[K'      | '\r\033[K'
    }

    def "the CLI draws nothing when stderr is not a terminal"() {
        given:
        def ctx = new CliContext(new ByteArrayInputStream(new byte[0]), System.out, System.err, [:], false, false, false,
                false, { null })

        expect:
        ProgressLine.forTerminal(ctx, 'auditing').is(BatchListener.NONE)
    }
}
