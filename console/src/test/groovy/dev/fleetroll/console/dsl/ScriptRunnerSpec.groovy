package dev.fleetroll.console.dsl

import dev.fleetroll.console.testing.DslHarness
import spock.lang.AutoCleanup
import spock.lang.Specification

class ScriptRunnerSpec extends Specification {
    @AutoCleanup
    DslHarness dsl = new DslHarness(['a1': [:], 'a2': [:], 'b1': [behaviour: 'fail'], 'c1': [behaviour: 'unreachable']],
            [good: ['a[1-2]'], mixed: ['a1', 'b1', 'c1']], [args: ['x', 'y']])

    def "exit #status for #why"() {
        expect:
        dsl.run(script) == status

        where:
        why                                          | script                                                       || status
        'success'                                    | "hosts('good').exec('true')"                                 || 0
        'failed hosts nobody looked at'              | "hosts('mixed').exec('true')"                                || 1
        'failed hosts the script looked at'          | "def r = hosts('mixed').exec('true'); println r.failed.size()" || 0
        'problems looked at'                         | "def r = hosts('mixed').exec('true'); r.problems"             || 0
        'boolean test counts as looking'             | "if (!hosts('mixed').exec('true')) println 'some failed'"    || 0
        'explicitly ignored'                         | "hosts('mixed').exec('true').ignoreFailures()"               || 0
        'orFail'                                     | "hosts('mixed').exec('true').orFail()"                       || 1
        'audit with an unreachable host, unexamined' | "hosts('mixed').audit()"                                     || 1
        'audit, unreachable examined'                | "def s = hosts('mixed').audit(); s.unreachable.size()"       || 0
        'a thrown exception'                         | "throw new IllegalStateException('nope')"                    || 1
        'fail()'                                     | "fail('too many stale hosts')"                               || 1
        'exit(3)'                                    | "exit(3)"                                                    || 3
        'compile error'                              | "hosts('good').where {"                                      || 2
        'operator error at run time'                 | "hosts('nosuchlist/x')"                                      || 1
    }

    def "compile errors are file:line:col: message"() {
        when:
        int status = dsl.run("def x = 1\nhosts('good').where { ) }", 'scripts/broken.groovy')

        then:
        status == 2
        dsl.err.trim() ==~ /fleetroll: scripts\/broken\.groovy:2:\d+: .+/
        !dsl.err.contains('\tat ')
    }

    def "run-time errors name the file and line, one line, no stack trace"() {
        when:
        int status = dsl.run("\n\nhosts('good').where { aplied }", 'scripts/t.groovy')

        then:
        status == 1
        dsl.err.trim() == "fleetroll: scripts/t.groovy:3: where { ... } on a1: no HostState property or variable 'aplied' (did you mean 'applied'?)"
    }

    def "an unknown verb or method names the nearest one; wrong arguments name the verb"() {
        when:
        dsl.run("hots('good')", 'x.groovy')

        then:
        dsl.err.trim() == "fleetroll: x.groovy:1: unknown verb 'hots' (did you mean 'hosts'?)"

        when:
        dsl.errBytes.reset()
        dsl.run("hosts('good').wher { true }", 'x.groovy')

        then:
        dsl.err.trim() == "fleetroll: x.groovy:1: HostSet has no method 'wher' (did you mean 'where'?)"

        when:
        dsl.errBytes.reset()
        dsl.run("hosts('good').take('x')", 'x.groovy')

        then:
        dsl.err.trim() == "fleetroll: x.groovy:1: HostSet.take does not take these arguments (take(String); see :help take)"
    }

    def "args and dryRun reach the script; println goes to the session's stdout, log to stderr"() {
        when:
        dsl.run("println args.join(','); println dryRun; log 'note'")

        then:
        dsl.out == 'x,y\ntrue\n'
        dsl.err == 'note\n'
    }

    def "unhandled failures are reported with the summary"() {
        when:
        dsl.run("hosts('mixed').exec('true', quiet: true)")

        then:
        dsl.err.contains('fleetroll: unhandled failures: exec: 3 hosts in')
        dsl.err.contains('1 failed (b1)')
        dsl.err.contains('1 unreachable (c1)')
        dsl.out == ''
    }
}
