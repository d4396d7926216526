package dev.fleetroll.sandbox

import dev.fleetroll.UserError
import spock.lang.Specification

class FleetPlanSpec extends Specification {

    def "host #index of slot #slot is #address"() {
        expect:
        FleetPlan.address(slot, index) == address

        where:
        slot | index || address
        0    | 1     || '127.0.1.1'
        0    | 254   || '127.0.1.254'
        0    | 255   || '127.0.2.1'
        0    | 500   || '127.0.2.246'
        0    | 2000  || '127.0.8.222'
        7    | 12    || '127.7.1.12'
        254  | 5000  || '127.254.20.174'
    }

    def "addresses never use .0 or .255 and never 127.0.0.1"() {
        expect:
        (1..FleetPlan.MAX_HOSTS).every { i ->
            def o = FleetPlan.address(3, i).split('\\.')*.toInteger()
            o[2] in 1..254 && o[3] in 1..254
        }
    }

    def "the 5-host test fleet has one of each kind the specs rely on, and a Mac"() {
        when:
        def plans = FleetPlan.generate(5)

        then:
        plans*.name == ['t-linux64-ms-001', 't-linux64-ms-002', 't-linux64-ms-003', 't-linux64-ms-004', 'macmini-r8-001']
        plans*.scenario == [Scenario.CLEAN, Scenario.OVERRIDE_APPLIED, Scenario.OVERRIDE_PENDING, Scenario.FAILED_RUN,
                            Scenario.OVERRIDE_APPLIED]
        plans*.os.count(HostOs.MACOS) == 1
        plans*.role == [FleetPlan.ROLE_TALOS_1804, FleetPlan.ROLE_TALOS_2404, FleetPlan.ROLE_NETPERF,
                        FleetPlan.ROLE_TALOS_1804, FleetPlan.ROLE_MAC]
    }

    def "any fleet of two or more hosts has a Mac (#n hosts)"() {
        expect:
        FleetPlan.generate(n).count { it.os == HostOs.MACOS } == macs

        where:
        n   || macs
        1   || 0
        2   || 1
        4   || 1
        5   || 1
        12  || 2
        200 || 33
    }

    def "a 12-host fleet shows every scenario, about a third of its hosts have an override, most have a vault"() {
        when:
        def plans = FleetPlan.generate(12)

        then:
        plans*.scenario.toSet() == Scenario.values().toList().toSet()
        plans.count { it.overrideBranch } in 4..5
        plans.count { it.vault } >= 10
        plans*.overrideBranch.findAll().toSet() == [FleetPlan.BRANCH_RESOLVERD, FleetPlan.BRANCH_NETPERF].toSet()
        plans.find { it.scenario == Scenario.NO_ROLE }.role == null
        plans*.uptimeSeconds.toSet().size() == 12
        plans*.uptimeSeconds.min() >= 14 * 60
        plans*.uptimeSeconds.max() > 5 * 86400
    }

    def "the same N gives the same fleet"() {
        expect:
        FleetPlan.generate(40) == FleetPlan.generate(40)
    }

    def "plans reject what a host cannot be: #why"() {
        when:
        make()

        then:
        def e = thrown(UserError)
        e.message.contains(message)

        where:
        why                          | make                                                                                                         || message
        'clean with an override'     | { new HostPlan(1, 'a', HostOs.LINUX, Scenario.CLEAN, 'r', 'b', true, 60) }                                  || 'clean has no override'
        'applied without a branch'   | { new HostPlan(1, 'a', HostOs.LINUX, Scenario.OVERRIDE_APPLIED, 'r', null, true, 60) }                      || 'needs an override branch'
        'a bad name'                 | { new HostPlan(1, 'A_b', HostOs.LINUX, Scenario.CLEAN, 'r', null, true, 60) }                               || 'not a short'
        'a bad branch'               | { new HostPlan(1, 'a', HostOs.LINUX, Scenario.OVERRIDE_APPLIED, 'r', 'x.y', true, 60) }                     || 'may only hold'
        'no uptime'                  | { new HostPlan(1, 'a', HostOs.LINUX, Scenario.CLEAN, 'r', null, true, 0) }                                  || 'at least one second'
        'too many hosts'             | { FleetPlan.generate(FleetPlan.MAX_HOSTS + 1) }                                                             || '1 to 5000'
    }

    def "withScenario keeps a plan consistent"() {
        given:
        def p = FleetPlan.generate(1)[0]

        expect:
        p.withScenario(Scenario.OVERRIDE_PENDING).overrideBranch == FleetPlan.BRANCH_RESOLVERD
        p.withScenario(Scenario.NO_ROLE).role == null
        p.withScenario(Scenario.NO_ROLE).withScenario(Scenario.CLEAN).role == FleetPlan.ROLE_TALOS_1804
    }

    def "overrides pass the override rules of DESIGN.md and are identical for one branch"() {
        when:
        def o = FleetPlan.overrideFor('resolverd-fix')

        then:
        o == FleetPlan.overrideFor('resolverd-fix')
        o =~ /(?m)^PUPPET_REPO='https:\/\/github\.com\/[^']+\.git'$/
        o =~ /(?m)^PUPPET_BRANCH='resolverd-fix'$/
        o =~ /(?m)^PUPPET_MAIL='[^@']+@[^@']+\.[a-z]+'$/
        new ProcessBuilder('bash', '-n').redirectInput(ProcessBuilder.Redirect.PIPE).start().with {
            outputStream.withWriter { it << o }
            waitFor()
        } == 0
    }
}
