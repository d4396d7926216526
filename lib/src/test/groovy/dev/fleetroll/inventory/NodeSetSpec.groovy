package dev.fleetroll.inventory

import dev.fleetroll.UserError
import spock.lang.Specification

class NodeSetSpec extends Specification {

    def "expands #expr"() {
        expect:
        NodeSet.expand(expr) == hosts

        where:
        expr                        || hosts
        'w1'                        || ['w1']
        'w[1-3,7]'                  || ['w1', 'w2', 'w3', 'w7']
        't-linux64-ms-[001-003]'    || ['t-linux64-ms-001', 't-linux64-ms-002', 't-linux64-ms-003']
        'w[01-02],db1'              || ['w01', 'w02', 'db1']
        'w[1-4]!w[2-3]'             || ['w1', 'w4']
        'w[1-4]&w[3-9]'             || ['w3', 'w4']
        'w[1-3]^w[2-4]'             || ['w1', 'w4']
        'n[2-10/4]'                 || ['n2', 'n6', 'n10']
        'dc[1-2]n[1-2]'             || ['dc1n1', 'dc1n2', 'dc2n1', 'dc2n2']
        'ms-[098-101].example.com'  || ['ms-098.example.com', 'ms-099.example.com', 'ms-100.example.com', 'ms-101.example.com']
        'a,a,b'                     || ['a', 'b']
    }

    def "t-linux64-ms-[001-040] has forty zero-padded hosts"() {
        when:
        def hosts = NodeSet.expand('t-linux64-ms-[001-040]')

        then:
        hosts.size() == 40
        hosts.first() == 't-linux64-ms-001'
        hosts.last() == 't-linux64-ms-040'
    }

    def "rejects malformed #expr with a message naming it"() {
        when:
        NodeSet.expand(expr)

        then:
        def e = thrown(UserError)
        e.message.contains(fragment)

        where:
        expr            || fragment
        'w[1-3'         || "'[' without ']'"
        'w1-3]'         || "']' without '['"
        'w[3-1]'        || 'runs backwards'
        'w[a-b]'        || 'not a number'
        'w[]'           || 'empty brackets'
        'w[1-2000000]'  || 'larger than'
        'a,,b'          || 'empty term'
    }

    def "folds #hosts into #folded"() {
        expect:
        NodeSet.fold(hosts) == folded

        where:
        hosts                                                                  || folded
        ['t-linux64-ms-001', 't-linux64-ms-002', 't-linux64-ms-003', 't-linux64-ms-004', 't-linux64-ms-009'] || 't-linux64-ms-[001-004,009]'
        ['w9', 'w10', 'w11']                                                   || 'w[9-11]'
        ['ms-099.x.com', 'ms-100.x.com']                                       || 'ms-[099-100].x.com'
        ['a', 'b']                                                             || 'a,b'
        ['w1']                                                                 || 'w1'
        ['macmini-r8-001', 't-linux64-ms-002', 't-linux64-ms-001']             || 'macmini-r8-001,t-linux64-ms-[001-002]'
        ['dc1n1', 'dc1n2', 'dc2n1']                                            || 'dc1n[1-2],dc2n1'
    }

    def "folding then expanding gives the same hosts"() {
        given:
        def hosts = ['t-linux64-ms-001.test.releng.mdc1.mozilla.com', 't-linux64-ms-010.test.releng.mdc1.mozilla.com',
                     't-linux64-ms-011.test.releng.mdc1.mozilla.com', 'macmini-r8-7.test.releng.mdc1.mozilla.com',
                     'macmini-r8-8.test.releng.mdc1.mozilla.com', 'macmini-r8-10.test.releng.mdc1.mozilla.com']

        expect:
        NodeSet.expand(NodeSet.fold(hosts)).toSet() == hosts.toSet()
    }
}
