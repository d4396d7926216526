package dev.fleetroll.console.dsl

import dev.fleetroll.console.dsl.compile.DslCompiler;
import groovy.lang.Binding
import org.codehaus.groovy.control.CompilationFailedException
import spock.lang.Specification

/** fleetroll check on rollout definitions: the gate is checked before any host is touched. */
class RolloutCheckSpec extends Specification {
    List<String> check(String text) {
        try {
            DslCompiler.shell(DslCompiler.check(), new Binding()).parse(text, 'checked.groovy')
            return []
        } catch (CompilationFailedException e) {
            return DslErrors.compileErrors(e).collect { it.format('s.groovy') }
        }
    }

    def "a full rollout definition passes: targets, override, canary, batches with percent and rest, gate, soak"() {
        expect:
        check('''
            def r = rollout('resolverd-1804') {
                targets hosts('linux/1804')
                override file('configs/overrides/resolverd-fix.override')
                canary 't-linux64-ms-001'
                batches 10.percent, 25.percent, rest
                gate 'applied=y healthy=y'
                soak 30.minutes
                maxFailures 1
                skip 'ms-016'
                runPuppet true
            }
            r.start()
            while (!r.done) { r.advance() }
            r.advance(force: true, reason: 'known fault')
            println "${r.state} ${r.stage} ${r.status.plan().gate()}"
            rollout('resolverd-1804').rollback(runPuppet: true)
            hosts('ms-1').runPuppet(reason: 'x').changed.show()
        ''') == []
    }

    def "a bad gate is an error naming the column: #gate"() {
        expect:
        check("rollout('x') {\n  gate '${gate}'\n}") == ["s.groovy:2:8: rollout gate '${gate}': " + messageOf(gate)]
        messageOf(gate).contains(hint)

        where:
        gate                  || hint
        'aplied=y healthy=y'  || "unknown column 'aplied' at column 1: did you mean 'applied'?"
        'applied=maybe'       || 'is not yes or no'
    }

    static String messageOf(String q) {
        try {
            dev.fleetroll.state.Query.parse(q, dev.fleetroll.state.Columns.standard())
            return null
        } catch (dev.fleetroll.UserError e) {
            return e.message
        }
    }

    def "a closure gate is refused with the query to write instead"() {
        expect:
        check("rollout('x') {\n  gate { applied && healthy && !quarantined }\n}") ==
                ["s.groovy:2:8: a rollout gate is a monitor query, stored for other consoles and later advances: write gate 'applied=y healthy=y tc_quar=n'"]
    }

    def "a misspelt rollout verb is reported with the nearest one"() {
        expect:
        check("rollout('x').advanse()") == ["s.groovy:1:1: RolloutHandle has no method 'advanse' (did you mean 'advance'?)"]
    }
}
