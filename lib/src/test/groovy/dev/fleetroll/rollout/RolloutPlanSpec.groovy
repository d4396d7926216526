package dev.fleetroll.rollout

import dev.fleetroll.UserError
import spock.lang.Specification

/** Stage splitting, batch sizes and gate checks: everything decided before a host is touched. */
class RolloutPlanSpec extends Specification {

    static RolloutPlan plan(List<String> targets, List<String> canary, List<String> batches) {
        new RolloutPlan('r', targets, [:], 'x.override', 'PUPPET_BRANCH=x', 'a' * 64, canary,
                batches.collect { BatchSize.parse(it) }, 'applied=y', 0, 0, true)
    }

    def "stages: canary first, then batches of counts, shares of all targets (rounded up) and the rest: #batches"() {
        given:
        def hosts = (1..20).collect { "h$it".toString() }

        expect:
        plan(hosts, ['h5'], batches).stages()*.size() == sizes
        plan(hosts, ['h5'], batches).stages().flatten().sort() == hosts.sort()
        plan(hosts, ['h5'], batches).stages()[0] == ['h5']

        where:
        batches                   || sizes
        ['10%', '25%', 'rest']    || [1, 2, 5, 12]
        ['1', '2']                || [1, 1, 2, 16]   // left over after the last batch: a final stage
        ['50%', '50%', '50%']     || [1, 10, 9]
        []                        || [1, 19]
        ['rest', '5']             || [1, 19]
    }

    def "no canary: the first batch is the first stage"() {
        expect:
        plan(['a', 'b', 'c', 'd'], [], ['1', 'rest']).stages() == [['a'], ['b', 'c', 'd']]
    }

    def "batch sizes are parsed and printed the same way; bad ones are one-line errors: '#text'"() {
        when:
        BatchSize.parse(text)

        then:
        UserError e = thrown()
        e.message.contains(message)

        where:
        text   || message
        'x'    || "is not a host count (5), a percentage (10%) or rest"
        '0'    || 'give at least 1'
        '101%' || 'give 1% to 100%'
        ''     || 'is not a host count'
    }

    def "batch sizes round-trip"() {
        expect:
        BatchSize.parse(t).toString() == t

        where:
        t << ['5', '10%', 'rest']
    }

    def "a gate is a monitor query: unknown columns and bad values are caught with the valid names"() {
        when:
        Rollouts.gateQuery(gate)

        then:
        UserError e = thrown()
        e.message.startsWith("rollout gate '${gate}': ")
        e.message.contains(message)

        where:
        gate                   || message
        'aplied=y'             || "unknown column 'aplied' at column 1: did you mean 'applied'?"
        'applied=maybe'        || 'is not yes or no'
        'applied=y sort:host'  || 'no sort'
    }

    def "good gates parse"() {
        expect:
        Rollouts.gateQuery('applied=y healthy=y').conditions().size() == 2
        Rollouts.gateQuery('applied=y pp_last<1h').conditions().size() == 2
    }

    def "rollout names are checked"() {
        when:
        RolloutPlan.checkName('bad name!')

        then:
        UserError e = thrown()
        e.message.contains("rollout name 'bad name!' is not valid")
    }
}
