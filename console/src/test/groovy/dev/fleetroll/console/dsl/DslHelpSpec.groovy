package dev.fleetroll.console.dsl

import dev.fleetroll.state.HostState
import java.lang.reflect.Modifier
import spock.lang.Specification

/** The verb table is the one source of help and completion descriptions: it must cover the DSL. */
class DslHelpSpec extends Specification {
    static final Set<String> PLUMBING = ['attach', 'fleetrollSession', 'run', 'iterator', 'equals', 'hashCode',
                                         'toString', 'getClass', 'spliterator', 'forEach', 'handled', 'hasProblems',
                                         'outcomes', 'println', 'print', 'printf'] as Set

    static Set<String> publicNames(Class<?> type) {
        type.declaredMethods.findAll { Modifier.isPublic(it.modifiers) && !it.synthetic && !Modifier.isStatic(it.modifiers) }
                .collect { m ->
                    def n = m.name
                    if (m.parameterCount == 0 && n ==~ /get[A-Z].*/) return n.substring(3).uncapitalize()
                    if (m.parameterCount == 0 && n ==~ /is[A-Z].*/ && n != 'isEmpty') return n.substring(2).uncapitalize()
                    n
                }.findAll { !PLUMBING.contains(it) } as Set
    }

    def "every public #type.simpleName member has an entry of kind #kind"() {
        given:
        def documented = DslHelp.entries(kind)*.name() as Set

        expect:
        (publicNames(type) - documented).isEmpty()

        where:
        type         | kind
        FleetScript  | DslHelp.Kind.VERB
        HostSet      | DslHelp.Kind.HOSTSET
        Results      | DslHelp.Kind.RESULTS
        ExecResults  | DslHelp.Kind.RESULTS
        PuppetResults | DslHelp.Kind.RESULTS
        RolloutHandle | DslHelp.Kind.ROLLOUT
        RolloutSpec   | DslHelp.Kind.ROLLOUT
    }

    def "every HostState property is described"() {
        expect:
        DslHelp.hostStateProperties().every { DslHelp.summary(DslHelp.Kind.STATE, it) }
        DslHelp.entries(DslHelp.Kind.STATE)*.name() as Set == DslHelp.hostStateProperties() as Set
    }
}
