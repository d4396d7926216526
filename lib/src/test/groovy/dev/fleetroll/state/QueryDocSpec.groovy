package dev.fleetroll.state

import java.nio.file.Path
import spock.lang.Shared
import spock.lang.Specification

/** docs/query.md stays true: every column and alias, the examples parse, the error lines are the real messages. */
class QueryDocSpec extends Specification {
    @Shared
    String doc = Path.of(System.getProperty('user.dir')).resolve('../docs/query.md').normalize().text

    def "the doc names every column and alias"() {
        expect:
        Columns.standard().names().every { doc.contains("`${it}`") }
        Columns.standard().all().every { c -> doc.contains("| `${c.name()}` | ${c.type().name().toLowerCase()} |") }
    }

    def "every example in the doc parses"() {
        given:
        def block = doc.substring(doc.indexOf('## Examples'))
        block = block.substring(block.indexOf('```') + 3, block.indexOf('```', block.indexOf('```') + 3))
        def queries = block.readLines()*.trim().findAll { it }.collect { it.split(/ {2,}/)[0] }

        expect:
        queries.size() >= 8
        queries.every { Query.parse(it) != null }
    }

    def "the doc's error line for '#q' is the real message"() {
        when:
        Query.parse(q)

        then:
        def e = thrown(QueryError)
        doc.contains(e.message.replaceFirst(/ \(columns: host os role .*/, ' (columns: host os role ...)'))

        where:
        q << ['rol~x', 'pp_last>abc', 'os=L and', '(os=L', 'role~a(', 'os=L|', 'note~"x', 'sort:host:up']
    }
}
