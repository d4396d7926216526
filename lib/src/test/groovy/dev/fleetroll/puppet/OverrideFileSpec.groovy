package dev.fleetroll.puppet

import dev.fleetroll.state.OverrideSettings
import spock.lang.Specification

class OverrideFileSpec extends Specification {

    def "reads a typical override"() {
        given:
        def text = '''\
            # Override for the resolverd fix
            # created by tools/create_override.sh
            PUPPET_REPO='https://github.com/jdoe/ronin_puppet.git'
            PUPPET_BRANCH='fix/resolverd'
            PUPPET_MAIL='jdoe@mozilla.com'
            # WORKER_TYPE_OVERRIDE='gecko-t-linux-talos-staging'
            '''.stripIndent()

        when:
        def f = OverrideFile.parse(text)

        then:
        f.settings() == new OverrideSettings('https://github.com/jdoe/ronin_puppet.git', 'fix/resolverd', 'jdoe@mozilla.com', null)
        f.assignments()*.line == [3, 4, 5]
        f.assignments().every { it.quoted() }
        OverrideFile.refKey(f.settings()).get() == 'jdoe/ronin_puppet:fix/resolverd'
    }

    def "value of #name in #text.inspect() is #expected.inspect()"() {
        expect:
        OverrideFile.parse(text).value(name).orElse(null) == expected

        where:
        text                                                  | name            | expected
        "PUPPET_BRANCH='a'"                                   | 'PUPPET_BRANCH' | 'a'
        'PUPPET_BRANCH="a"'                                   | 'PUPPET_BRANCH' | 'a'
        'PUPPET_BRANCH=a'                                     | 'PUPPET_BRANCH' | 'a'
        'PUPPET_BRANCH=a # trailing comment'                  | 'PUPPET_BRANCH' | 'a'
        'PUPPET_BRANCH=a#b'                                   | 'PUPPET_BRANCH' | 'a#b'
        "PUPPET_BRANCH='a b'"                                 | 'PUPPET_BRANCH' | 'a b'
        'PUPPET_BRANCH="a \\"b\\" \\$x \\\\"'                 | 'PUPPET_BRANCH' | 'a "b" $x \\'
        "PUPPET_BRANCH='it'\\''s'"                            | 'PUPPET_BRANCH' | "it's"
        "PUPPET_BRANCH='a'\"b\"c"                             | 'PUPPET_BRANCH' | 'abc'
        'PUPPET_BRANCH=$OTHER'                                | 'PUPPET_BRANCH' | '$OTHER'
        'PUPPET_BRANCH='                                      | 'PUPPET_BRANCH' | ''
        "export PUPPET_BRANCH='a'"                            | 'PUPPET_BRANCH' | 'a'
        "  \tPUPPET_BRANCH='a'"                               | 'PUPPET_BRANCH' | 'a'
        "PUPPET_BRANCH='a'; PUPPET_MAIL='m@x.y'"              | 'PUPPET_MAIL'   | 'm@x.y'
        "PUPPET_BRANCH='a'\nPUPPET_BRANCH='b'"                | 'PUPPET_BRANCH' | 'b'
        "PUPPET_BRANCH='a'\n#PUPPET_BRANCH='b'"               | 'PUPPET_BRANCH' | 'a'
        "# PUPPET_BRANCH='a'"                                 | 'PUPPET_BRANCH' | null
        "echo PUPPET_BRANCH='a'"                              | 'PUPPET_BRANCH' | null
        "PUPPET_BRANCH='a\r\n"                                | 'PUPPET_BRANCH' | 'a\r\n'
        "PUPPET_BRANCH='unterminated"                         | 'PUPPET_BRANCH' | 'unterminated'
        "PUPPET_BRANCH='multi\nline'\nPUPPET_MAIL=x"          | 'PUPPET_MAIL'   | 'x'
        'WORKER_TYPE_OVERRIDE="gecko-t-linux"'                | 'WORKER_TYPE_OVERRIDE' | 'gecko-t-linux'
    }

    def "line numbers follow multi-line values"() {
        expect:
        OverrideFile.parse("A='x\ny'\nB=1\n\nC=2").assignments()*.line == [1, 3, 5]
    }

    def "agrees with sh on a tricky file"() {
        given:
        def text = '''\
            # comment
            export PUPPET_REPO="git@github.com:mozilla-platform-ops/ronin_puppet.git"
            PUPPET_BRANCH='first'; PUPPET_BRANCH=second
            PUPPET_MAIL=a\\ b@x.y   # escaped space
            WORKER_TYPE_OVERRIDE='it'\\''s'"-$HOME-"'x'
            '''.stripIndent()
        def script = text + '\nprintf "%s|%s|%s|%s" "$PUPPET_REPO" "$PUPPET_BRANCH" "$PUPPET_MAIL" "$WORKER_TYPE_OVERRIDE"'
        def p = new ProcessBuilder('sh', '-c', script).start()
        def fromSh = p.inputStream.text.split('\\|', -1) as List
        p.waitFor()

        when:
        def s = OverrideFile.parse(text).settings()

        then: 'same values, except that we do not expand $HOME'
        [s.repo(), s.branch(), s.mail()] == fromSh[0..2]
        s.workerType() == "it's-\$HOME-x"
        fromSh[3] == "it's-${System.getenv('HOME')}-x"
    }

    def "owner/repo of #url"() {
        expect:
        OverrideFile.ownerRepo(url).orElse(null) == expected

        where:
        url                                                          | expected
        'https://github.com/mozilla-platform-ops/ronin_puppet.git'   | 'mozilla-platform-ops/ronin_puppet'
        'https://github.com/mozilla-platform-ops/ronin_puppet'       | 'mozilla-platform-ops/ronin_puppet'
        'https://github.com/mozilla-platform-ops/ronin_puppet/'      | 'mozilla-platform-ops/ronin_puppet'
        'http://github.com/a/b.git'                                  | 'a/b'
        'git@github.com:jdoe/ronin_puppet.git'                       | 'jdoe/ronin_puppet'
        'ssh://git@github.com/jdoe/ronin.puppet.git'                 | 'jdoe/ronin.puppet'
        'https://user@github.com/jdoe/x.git'                         | 'jdoe/x'
        '  https://github.com/a/b.git  '                             | 'a/b'
        'https://gitlab.com/a/b.git'                                 | null
        'https://github.com/a'                                       | null
        'https://github.com/a/b/c.git'                               | null
        'not a url'                                                  | null
        null                                                         | null
    }

    def "ref key needs a GitHub repo and a branch"() {
        expect:
        OverrideFile.refKey(new OverrideSettings(repo, branch, null, null)).orElse(null) == expected

        where:
        repo                          | branch   | expected
        'https://github.com/a/b.git'  | 'main'   | 'a/b:main'
        'https://github.com/a/b.git'  | null     | null
        'https://github.com/a/b.git'  | ' '      | null
        null                          | 'main'   | null
        'https://example.com/a/b.git' | 'main'   | null
    }
}
