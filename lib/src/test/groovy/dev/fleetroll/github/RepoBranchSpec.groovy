package dev.fleetroll.github

import dev.fleetroll.UserError
import spock.lang.Specification

class RepoBranchSpec extends Specification {

    def "of('#url', '#branch') is #expected"() {
        expect:
        RepoBranch.of(url, branch).map { it.key() }.orElse(null) == expected

        where:
        url                                                        | branch           || expected
        'https://github.com/mozilla-platform-ops/ronin_puppet.git' | 'master'         || 'mozilla-platform-ops/ronin_puppet:master'
        'https://github.com/mozilla-platform-ops/ronin_puppet'     | 'master'         || 'mozilla-platform-ops/ronin_puppet:master'
        'https://github.com/aerickson/ronin_puppet/'               | 'fix/resolved'   || 'aerickson/ronin_puppet:fix/resolved'
        'HTTPS://GitHub.COM/Owner/Repo.git'                        | 'main'           || 'Owner/Repo:main'
        'https://x-access-token@github.com/o/r.git'                | 'b'              || 'o/r:b'
        'https://github.com:443/o/r.git'                           | 'b'              || 'o/r:b'
        '  https://github.com/o/r.git  '                           | '  b  '          || 'o/r:b'
        'git@github.com:jwmoss/ronin_puppet.git'                   | 'netperf'        || 'jwmoss/ronin_puppet:netperf'
        'git@GITHUB.com:o/r'                                       | 'b'              || 'o/r:b'
        'ssh://git@github.com/o/r.git'                             | 'b'              || 'o/r:b'
        'ssh://git@github.com:22/o/my.repo.git'                    | 'b'              || 'o/my.repo:b'
        'https://gitlab.com/o/r.git'                               | 'b'              || null
        'https://github.com.evil.example/o/r.git'                  | 'b'              || null
        'https://github.com/o'                                     | 'b'              || null
        'https://github.com/o/r/tree/main'                         | 'b'              || null
        '/srv/git/ronin_puppet.git'                                | 'b'              || null
        'file:///srv/git/o/r.git'                                  | 'b'              || null
        null                                                       | 'b'              || null
        'https://github.com/o/r.git'                               | ''               || null
        'https://github.com/o/r.git'                               | null             || null
        'https://github.com/o/r.git'                               | 'has space'      || null
        'https://github.com/o/r.git'                               | 'a..b'           || null
        'https://github.com/o/r.git'                               | 'x.lock'         || null
    }

    def "key and parse are inverse, and the branch may contain slashes"() {
        when:
        def b = RepoBranch.parse('mozilla-platform-ops/ronin_puppet:relops/fix-1')

        then:
        b == new RepoBranch('mozilla-platform-ops', 'ronin_puppet', 'relops/fix-1')
        b.key() == 'mozilla-platform-ops/ronin_puppet:relops/fix-1'
        RepoBranch.parse(b.key()) == b
        b.repository().key() == 'mozilla-platform-ops/ronin_puppet'
        RepoBranch.DEFAULT.key() == 'mozilla-platform-ops/ronin_puppet:master'
    }

    def "parse rejects '#text' in one line naming it and the expected form"() {
        when:
        RepoBranch.parse(text)

        then:
        def e = thrown(UserError)
        !e.message.contains('\n')
        e.message.contains('expected owner/repo:branch')
        e.message.contains(shown)

        where:
        text                || shown
        'ronin_puppet'      || "'ronin_puppet'"
        'o/r'               || "'o/r'"
        'o/r:'              || "'o/r:'"
        'o:b'               || "'o:b'"
        'a/b/c:x'           || "'a/b/c:x'"
        'o/r:bad branch'    || "'o/r:bad branch'"
        "o/r:x\ny"          || "'o/r:x y'"
        ''                  || "''"
        null                || "''"
    }
}
