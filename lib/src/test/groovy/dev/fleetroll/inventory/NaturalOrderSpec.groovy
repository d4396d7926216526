package dev.fleetroll.inventory

import dev.fleetroll.util.NaturalOrder;
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

    def "numbers compare by value, then the shorter spelling first; the order is a total order: #a vs #b"() {
        expect:
        Integer.signum(NaturalOrder.INSTANCE.compare(a, b)) == sign
        Integer.signum(NaturalOrder.INSTANCE.compare(b, a)) == -sign

        where:
        a            | b            || sign
        'ms-2'       | 'ms-10'      || -1
        'ms-1'       | 'ms-01'      || -1
        'ms-01'      | 'ms-001'     || -1
        'ms-0'       | 'ms-00'      || -1
        'ms-00'      | 'ms-1'       || -1
        'ms-100'     | 'ms-099'     || 1
        'ms-12a'     | 'ms-12b'     || -1
        'a9b'        | 'a10a'       || -1
        'Web1'       | 'web1'       || -1
        'web1'       | 'web1'       || 0
        '12345678901234567890' | '12345678901234567891' || -1
    }
}
