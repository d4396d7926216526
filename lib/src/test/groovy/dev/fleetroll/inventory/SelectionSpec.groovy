package dev.fleetroll.inventory

import dev.fleetroll.UserError
import spock.lang.Specification

class SelectionSpec extends Specification {
    def "batch size #spec of #total is #size"() {
        expect:
        Selection.batchSize(spec, total) == size

        where:
        spec   | total || size
        5      | 40    || 5
        '5'    | 40    || 5
        '20%'  | 40    || 8
        '20%'  | 12    || 2
        '10%'  | 5     || 1
        '100%' | 7     || 7
        '33%'  | 3     || 1
        '50%'  | 0     || 1
    }

    def "bad batch size #spec"() {
        when:
        Selection.batchSize(spec, 10)

        then:
        thrown(UserError)

        where:
        spec << [0, -1, '0%', '101%', 'x', 'x%', '']
    }

    def "batches split in order, last one smaller"() {
        expect:
        Selection.batches((1..7).toList(), 3) == [[1, 2, 3], [4, 5, 6], [7]]
        Selection.batches((1..10).toList(), '20%') == [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]
        Selection.batches([], 3) == []
    }

    def "pick is random, seedable, keeps input order"() {
        given:
        def items = (1..100).toList()

        when:
        def a = Selection.pick(items, 5, new Random(42))
        def b = Selection.pick(items, 5, new Random(42))
        def c = Selection.pick(items, 5, new Random(43))

        then:
        a == b
        a != c
        a.size() == 5
        a == a.sort(false)
        a.toSet().size() == 5
        Selection.pick(items, 200, new Random(1)) == items
        Selection.pick(items, 0, new Random(1)) == []
    }
}
