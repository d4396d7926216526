package dev.fleetroll.content

import spock.lang.Specification

class HumanHashSpec extends Specification {
    def "matches the reference implementation's documented examples"() {
        expect:
        HumanHash.humanize('60ad8d0d871b6095808297', 4) == 'sodium-magnesium-nineteen-hydrogen'
    }

    def "two words from a sha256, XOR-folding each half"() {
        given:
        def sha = '00' * 15 + '05' + '00' * 15 + 'ff'

        expect:
        HumanHash.of(sha) == "${HumanHash.WORDS[5]}-${HumanHash.WORDS[255]}"
        HumanHash.of(sha) == 'angel-zulu'
    }

    def "word list has 256 distinct words"() {
        expect:
        HumanHash.WORDS.size() == 256
        HumanHash.WORDS.toSet().size() == 256
    }

    def "non-hex input has no name"() {
        expect:
        HumanHash.of(input) == null

        where:
        input << [null, '', 'xyz1', 'abc']
    }
}
