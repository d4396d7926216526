package dev.fleetroll.console.dsl.compile

import dev.fleetroll.console.testing.DslHarness
import spock.lang.AutoCleanup
import spock.lang.Specification

/** REPL lines are compiled one by one; these must still see each other's variables and methods. */
class ReplTransformSpec extends Specification {
    @AutoCleanup
    DslHarness dsl = new DslHarness(['a1': [:], 'a2': [role: 'r2']], [good: ['a[1-2]']], [repl: true, interactive: true])

    def "variables persist between lines with and without def"() {
        when:
        dsl.eval("def a = 1")
        dsl.eval("b = 2")
        dsl.eval("var c = 3")
        dsl.eval("Integer d = 4")
        dsl.eval("def (e, f) = [5, 6]")
        dsl.eval("def g")

        then:
        dsl.eval("[a, b, c, d, e, f, g]") == [1, 2, 3, 4, 5, 6, null]
    }

    def "a HostSet kept with def is usable later, also inside closures"() {
        when:
        dsl.eval("def s = hosts('good')")

        then:
        dsl.eval("s.size()") == 2
        dsl.eval("[1].collect { s.where { role == 'r2' }.names() }") == [['a2']]
    }

    def "declarations inside blocks and closures stay local"() {
        when:
        dsl.eval("if (true) { def inner = 1 }; [1].each { def alsoInner = 2 }")
        dsl.eval("inner")

        then:
        thrown(MissingPropertyException)
    }

    def "top-level methods become callable from later lines"() {
        when:
        dsl.eval("def twice(x) { x * 2 }")
        dsl.eval("int plusOne(int x) { return x + 1 }")

        then:
        dsl.eval("twice(plusOne(3))") == 8
    }

    def "a where closure still prefers the host's properties over session variables"() {
        when:
        dsl.eval("def role = 'nope'")

        then:
        dsl.eval("hosts('good').where { role == 'r2' }.names()") == ['a2']
    }
}
