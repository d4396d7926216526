package dev.fleetroll.inventory

import spock.lang.Specification

class NaturalOrderSpec extends Specification {
    def "sorts #input naturally"() {
        expect:
        input.toSorted(NaturalOrder.INSTANCE) == sorted

        where:
        input                                  || sorted
        ['ms-10', 'ms-2', 'ms-1']              || ['ms-1', 'ms-2', 'ms-10']
        ['w10b', 'w10a', 'w9z']                || ['w9z', 'w10a', 'w10b']
        ['ms-010', 'ms-9', 'ms-009']           || ['ms-9', 'ms-009', 'ms-010']
        ['b', 'A', 'a']                        || ['A', 'a', 'b']
        ['host-2.b.com', 'host-10.a.com']      || ['host-2.b.com', 'host-10.a.com']
    }

    def "is consistent with equals for distinct spellings"() {
        expect:
        NaturalOrder.INSTANCE.compare('ms-01', 'ms-1') != 0
        NaturalOrder.INSTANCE.compare('x', 'x') == 0
    }
}
