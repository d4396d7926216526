package dev.fleetroll.github

import spock.lang.Specification

class LinkHeaderSpec extends Specification {

    def "GitHub's Link header: next among several links"() {
        given:
        def value = '<https://api.github.com/repositories/1/git/refs/heads?per_page=100&page=2>; rel="prev", ' +
                '<https://api.github.com/repositories/1/git/refs/heads?per_page=100&page=4>; rel="next", ' +
                '<https://api.github.com/repositories/1/git/refs/heads?per_page=100&page=5>; rel="last", ' +
                '<https://api.github.com/repositories/1/git/refs/heads?per_page=100&page=1>; rel="first"'

        expect:
        LinkHeader.parse(value)*.rels() == [['prev'], ['next'], ['last'], ['first']]
        LinkHeader.target([value], 'next').get() == 'https://api.github.com/repositories/1/git/refs/heads?per_page=100&page=4'
        LinkHeader.target([value], 'NEXT').isPresent()
    }

    def "#what"() {
        expect:
        LinkHeader.target(values, 'next').orElse(null) == next

        where:
        what                                   | values                                                     || next
        'token value, no quotes'               | ['</a>; rel=next']                                         || '/a'
        'whitespace everywhere'                | ['  < /a >  ;  rel = "next"  ,  </b> ; rel="last" ']       || '/a'
        'several relation types in one rel'    | ['</a>; rel="last next"']                                  || '/a'
        'commas and semicolons inside quotes'  | ['</x>; title="a, b; rel=next"; rel="prev", </n>; rel="next"'] || '/n'
        'escaped quote in a quoted string'     | ['</x>; title="say \\"hi\\""; rel="prev", </n>; rel=next'] || '/n'
        'comma inside the target'              | ['</a?x=1,2>; rel="next"']                                 || '/a?x=1,2'
        'only the first rel counts'            | ['</a>; rel="prev"; rel="next"']                           || null
        'rel name in capitals'                 | ['</a>; REL="Next"']                                       || '/a'
        'several header fields'                | ['</p>; rel="prev"', '</n>; rel="next"']                   || '/n'
        'a parameter without a value'          | ['</a>; crossorigin; rel="next"']                          || '/a'
        'no next link'                         | ['</a>; rel="last"']                                       || null
        'empty header'                         | ['']                                                       || null
        'no header'                            | []                                                         || null
    }

    def "malformed headers are refused: #value"() {
        when:
        LinkHeader.parse(value)

        then:
        thrown(IllegalArgumentException)

        where:
        value << ['https://a; rel="next"', '</a; rel="next"', '</a>; rel="next', '</a> </b>; rel="next"']
    }
}
