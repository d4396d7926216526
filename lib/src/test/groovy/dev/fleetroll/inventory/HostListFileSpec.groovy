package dev.fleetroll.inventory

import dev.fleetroll.UserError
import spock.lang.Specification

class HostListFileSpec extends Specification {

    def "ignores blank lines and comments, keeps order, drops duplicates"() {
        expect:
        HostListFile.parse('''
# a comment
w2.example.com
  w1.example.com   # trailing comment

w2.example.com
''', 'x.list') == ['w2.example.com', 'w1.example.com']
    }

    def "fqdn directive appends its suffix to every dot-less entry"() {
        expect:
        HostListFile.parse('''t-linux64-ms-001
# fqdn: .test.releng.mdc1.mozilla.com
t-linux64-ms-002
other.example.org
''', 'x.list') == ['t-linux64-ms-001.test.releng.mdc1.mozilla.com', 't-linux64-ms-002.test.releng.mdc1.mozilla.com',
                   'other.example.org']
    }

    def "fqdn directive without leading dot gets one"() {
        expect:
        HostListFile.parse('# fqdn: example.com\nw1\n', 'x.list') == ['w1.example.com']
    }

    def "node sets are accepted on a line"() {
        expect:
        HostListFile.parse('# fqdn: .e.com\nt-linux64-ms-[001-003]\nw[1-2,7]\n', 'x.list') ==
                ['t-linux64-ms-001.e.com', 't-linux64-ms-002.e.com', 't-linux64-ms-003.e.com', 'w1.e.com', 'w2.e.com', 'w7.e.com']
    }

    def "names are lower-cased"() {
        expect:
        HostListFile.parse('W1.Example.COM\n', 'x.list') == ['w1.example.com']
    }

    def "errors name the file and line: #text"() {
        when:
        HostListFile.parse(text, 'lists/x.list')

        then:
        def e = thrown(UserError)
        e.message.startsWith(prefix)
        e.message.contains(fragment)

        where:
        text                                  || prefix            | fragment
        'ok\nbad_name\n'                      || 'lists/x.list:2:' | "bad host name 'bad_name'"
        'a b\n'                               || 'lists/x.list:1:' | 'one host per line'
        '# fqdn: .a.com\n# fqdn: .b.com\nx\n' || 'lists/x.list:2:' | 'conflicts'
        'w[1-\n'                              || 'lists/x.list:1:' | "'[' without ']'"
        '-w1\n'                               || 'lists/x.list:1:' | "must not start or end with '-'"
    }
}
