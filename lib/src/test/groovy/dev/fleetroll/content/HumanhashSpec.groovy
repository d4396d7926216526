package dev.fleetroll.content

import java.security.MessageDigest
import spock.lang.Specification

class HumanhashSpec extends Specification {

    static String sha256(String text) {
        MessageDigest.getInstance('SHA-256').digest(text.getBytes('UTF-8')).encodeHex().toString()
    }

    def "the word list is upstream's DEFAULT_WORDLIST"() {
        expect: 'same 256 words in the same order (checksum of the upstream list, one word a line)'
        Humanhash.WORDLIST.size() == 256
        Humanhash.WORDLIST.toSet().size() == 256
        Humanhash.WORDLIST[0] == 'ack'
        Humanhash.WORDLIST[42] == 'colorado'
        Humanhash.WORDLIST[73] == 'floor'
        Humanhash.WORDLIST[255] == 'zulu'
        Humanhash.WORDLIST == Humanhash.WORDLIST.toSorted()
        sha256(Humanhash.WORDLIST.join('\n')) == '945cb3a475780b9518ab3bb108d4ce58514f29c9a92b38bd1a007445888cd9b0'
    }

    def "two-word humanhash of a sha256: #text.inspect()"() {
        expect:
        Humanhash.of(sha256(text)) == expected
        Humanhash.of(sha256(text).toUpperCase()) == expected
        Humanhash.of(MessageDigest.getInstance('SHA-256').digest(text.getBytes('UTF-8'))) == expected

        where:
        text      | expected
        'hello\n' | 'colorado-floor'
        ''        | 'mobile-leopard'
    }

    def "upstream's documented examples"() {
        expect:
        Humanhash.humanize('60ad8d0d871b6095808297', 4) == 'sodium-magnesium-nineteen-hydrogen'
        Humanhash.compress([96, 173, 141, 13, 135, 27, 96, 149, 128, 130, 151] as byte[], 4) == [205, 128, 156, 96] as int[]
        Humanhash.humanize('7528880a986c40e78c38115e640da2a1', 4) == 'three-georgia-xray-jig'
    }

    def "the remainder joins the last segment"() {
        expect: '5 bytes into 2 words: [1,2] and [3,4,5]'
        Humanhash.compress([1, 2, 3, 4, 5] as byte[], 2) == [1 ^ 2, 3 ^ 4 ^ 5] as int[]
    }

    def "tryOf names sha256 values only: #digest.inspect() -> #expected.inspect()"() {
        expect:
        Humanhash.tryOf(digest) == expected

        where:
        digest                  || expected
        'a' * 64                || Humanhash.of('a' * 64)
        'A' * 64                || Humanhash.of('a' * 64)
        null                    || null
        'abc1234'               || null   // a short git commit id: odd length
        'deadbeef' + '0' * 32   || null   // a full git sha1
        'z' * 64                || null
    }

    def "rejects #digest"() {
        when:
        Humanhash.humanize(digest, words)

        then:
        thrown(IllegalArgumentException)

        where:
        digest   | words
        'zz'     | 1
        'abc'    | 1
        'ab'     | 2
        ''       | 1
    }

    def "recognises humanhash text"() {
        expect:
        Humanhash.looksLikeHumanhash(text) == expected

        where:
        text                  | expected
        'colorado-floor'      | true
        'Colorado-Floor'      | true
        'colorado'            | false
        'colorado-floor-ack'  | false
        'colorado-flooor'     | false
        'abc123'              | false
    }
}
