package dev.fleetroll.state

import dev.fleetroll.UserError
import dev.fleetroll.content.Humanhash
import java.time.Duration
import spock.lang.Shared
import spock.lang.Specification

import static dev.fleetroll.state.Query.Span.Kind.*
import static dev.fleetroll.state.TestObservations.*

class QuerySpec extends Specification {
    @Shared
    Map<String, HostState> hosts = [
            'ms-1'  : state('ms-1', role: 'gecko_t_linux_talos', os: 'Linux', puppetAge: Duration.ofHours(30),
                    branch: 'resolverd-fix', uptime: Duration.ofMinutes(30)),
            'ms-2'  : state('ms-2', role: 'gecko_t_linux_netperf', os: 'Linux', puppetAge: Duration.ofHours(2),
                    override: null, applied: null, uptime: Duration.ofDays(2),
                    note: new HostNote('bad disk on sda', 2, 'ops', NOW)),
            'ms-10' : state('ms-10', role: 'gecko_t_osx_1400', os: 'Darwin', puppetAge: Duration.ofMinutes(90),
                    success: false, workerType: 'gecko-t-osx-1400-staging', gitSha: 'deadbeef' + '0' * 32),
            'down-1': HostState.of('down-1', failed('down-1'), null, NOW),
    ]

    def "sha columns compare against git commit ids of any length without failing (pp_sha=#operand)"() {
        given: 'a host whose puppet run reported a short, odd-length commit id'
        def odd = state('ms-20', gitSha: 'abc1234')

        expect:
        Query.parse("pp_sha=${operand}").apply(hosts.values().toList() + [odd])*.name() as Set == expected as Set

        where:
        operand     || expected
        'abc12'     || ['ms-20']
        'deadbeef'  || ['ms-10']
        'ffff'      || []
    }

    private List<String> run(String q) {
        Query.parse(q).apply(hosts.values().toList())*.name()
    }

    def "where '#q' selects #expected"() {
        expect:
        run(q) as Set == expected as Set

        where:
        q                                || expected
        ''                               || ['ms-1', 'ms-2', 'ms-10', 'down-1']
        '   '                            || ['ms-1', 'ms-2', 'ms-10', 'down-1']
        'role~talos'                     || ['ms-1']
        'role~TALOS'                     || ['ms-1']
        'role~talos|netperf'             || ['ms-1', 'ms-2']
        'role=gecko_t_osx_1400'          || ['ms-10']
        'role!=gecko_t_osx_1400'         || ['ms-1', 'ms-2', 'down-1']
        'os=L'                           || ['ms-1', 'ms-2']
        'os=linux'                       || ['ms-1', 'ms-2']
        'os=M|L'                         || ['ms-1', 'ms-2', 'ms-10']
        'os!=M|L'                        || ['down-1']
        'os~linux'                       || ['ms-1', 'ms-2']
        'os~mac|linux'                   || ['ms-1', 'ms-2', 'ms-10']
        'pp_last>20h'                    || ['ms-1']
        'pp_last>=2h'                    || ['ms-1', 'ms-2']
        'pp_last<1h30m'                  || []
        'pp_last<=90m'                   || ['ms-10']
        'pp_last<100m'                   || ['ms-10']
        'pp_last>1d'                     || ['ms-1']
        'pp_last=2h'                     || ['ms-2']
        'pp_last=2h|90m'                 || ['ms-2', 'ms-10']
        'pp_last~FAIL'                   || ['ms-10']
        'uptime<1h'                      || ['ms-1']
        'uptime>=2d'                     || ['ms-2', 'ms-10']
        'ovr_bch='                       || ['ms-2', 'down-1']
        'ovr_bch!='                      || ['ms-1', 'ms-10']
        'ovr_bch=resolverd-fix'          || ['ms-1']
        'ovr_bch=RESOLVERD-FIX'          || ['ms-1']
        'ovr_bch=main'                   || ['ms-10']
        'ovr_bch~resolv'                 || ['ms-1']
        'ovr_bch~wt'                     || ['ms-10']
        'ovr_bch~\\*wt$'                 || ['ms-10']
        'wt_ovr=Y'                       || ['ms-10']
        'wt_ovr=n'                       || ['ms-1']
        'pp_sha=deadbeef'                || ['ms-10']
        'pp_sha=DEADBEEF0'               || ['ms-10']
        'pp_sha~^dead'                   || ['ms-10']
        "ovr_sha=${Humanhash.of(SHA_A)}" || ['ms-1', 'ms-10']
        'applied=Y'                      || ['ms-1', 'ms-2']
        'applied=N'                      || ['ms-10']
        'applied='                       || ['down-1']
        'reachable=N'                    || ['down-1']
        'ssh=unreachable'                || ['down-1']
        'ssh!=ok'                        || ['down-1']
        'host>ms-2'                      || ['ms-10']
        'host<ms-10'                     || ['ms-1', 'ms-2', 'down-1']
        'host~^ms-1$'                    || ['ms-1']
        'data<5m'                        || ['ms-1', 'ms-2', 'ms-10']
        'data='                          || ['down-1']
        'note='                          || ['ms-1', 'ms-10', 'down-1']
        'note!='                         || ['ms-2']
        'role~linux pp_last<3h'          || ['ms-2']
        'ROLE~talos'                     || ['ms-1']
    }

    def "grammar: and, or, not, parentheses, quotes and regexes: '#q' selects #expected"() {
        expect:
        run(q) as Set == expected as Set

        where:
        q                                             || expected
        'os=L or os=M'                                || ['ms-1', 'ms-2', 'ms-10']
        'os=L OR os=M'                                || ['ms-1', 'ms-2', 'ms-10']
        'os=L and role~talos'                         || ['ms-1']
        'os=L AND role~talos'                         || ['ms-1']
        'os=L role~talos'                             || ['ms-1']
        'role~talos or role~osx and pp_last<2h'       || ['ms-1', 'ms-10']
        'role~talos or role~osx pp_last<2h'           || ['ms-1', 'ms-10']
        '(role~talos or role~osx) and pp_last<2h'     || ['ms-10']
        '(role~talos or role~osx) pp_last<2h'         || ['ms-10']
        'not os=L'                                    || ['ms-10', 'down-1']
        'NOT os=L'                                    || ['ms-10', 'down-1']
        'not not os=L'                                || ['ms-1', 'ms-2']
        'not (os=L or os=M)'                          || ['down-1']
        'not os=L and reachable=Y'                    || ['ms-10']
        'not os=L or role~talos'                      || ['ms-1', 'ms-10', 'down-1']
        'os=L and not role~talos'                     || ['ms-2']
        '((os=L))'                                    || ['ms-1', 'ms-2']
        '(os=L)(role~talos)'                          || ['ms-1']
        '( os=L ) and ( role~netperf or uptime<1h )'  || ['ms-1', 'ms-2']
        'not(os=L)'                                   || ['ms-10', 'down-1']
        'note~"bad disk"'                             || ['ms-2']
        "note~'BAD DISK'"                             || ['ms-2']
        'note="bad disk on sda"'                      || ['ms-2']
        'note~"(2) bad"'                              || []
        'note~"\\(2\\) bad"'                          || ['ms-2']
        'note~"disk" and os=L'                        || ['ms-2']
        'role~"a b"'                                  || []
        'role="talos|netperf"'                        || []
        'role~^gecko_t_linux'                         || ['ms-1', 'ms-2']
        'role~talos$'                                 || ['ms-1']
        'role~(talos|osx)'                            || ['ms-1', 'ms-10']
        '(role~(talos|osx))'                          || ['ms-1', 'ms-10']
        'role~t.los'                                  || ['ms-1']
        'role~linux_(t|n)'                            || ['ms-1', 'ms-2']
        'role~"gecko_t_.*_1400"'                      || ['ms-10']
    }

    def "not, and, or nest with not tightest and or loosest: '#q' is #tree"() {
        expect:
        Query.parse(q).expr().toString() == tree

        where:
        q                                   || tree
        'os=L role~x'                       || 'os=L and role~x'
        'os=L or role~x pp_last>1h'         || 'os=L or role~x and pp_last>1h'
        '(os=L or role~x) pp_last>1h'       || '(os=L or role~x) and pp_last>1h'
        'not os=L or role~x'                || 'not os=L or role~x'
        'not (os=L or role~x)'              || 'not (os=L or role~x)'
        'os=L and not not role~x'           || 'os=L and not not role~x'
        'os=L or role~x or host=a'          || 'os=L or role~x or host=a'
    }

    def "an unknown value fails conditions except col= and col!=VALUE; not turns that around"() {
        expect:
        run('role~zzz') == []
        run('role!=x').contains('down-1')
        !run('uptime>0s').contains('down-1')
        run('not uptime>0s') == ['down-1']
    }

    def "the established tool's column keys and aliases are all accepted: #key is #column"() {
        expect:
        Query.parse("${key}=").conditions()[0].column().name() == column
        Query.parse("sort:${key}").sortKeys()[0].column().name() == column

        where:
        key        || column
        'host'     || 'host'
        'os'       || 'os'
        'role'     || 'role'
        'vlt_sha'  || 'vlt_sha'
        'sha'      || 'ovr_bch'
        'ovr_bch'  || 'ovr_bch'
        'ovr_sha'  || 'ovr_sha'
        'uptime'   || 'uptime'
        'pp_last'  || 'pp_last'
        'pp_sha'   || 'pp_sha'
        'pp_exp'   || 'pp_exp'
        'pp_match' || 'pp_match'
        'tc_act'   || 'tc_act'
        'tc_j_sf'  || 'tc_t_dur'
        'tc_t_dur' || 'tc_t_dur'
        'tc_quar'  || 'tc_quar'
        'data'     || 'data'
        'healthy'  || 'healthy'
        'health'   || 'healthy'
        'pool'     || 'pool'
        'wt_ovr'   || 'wt_ovr'
        'note'     || 'note'
        'HOST'     || 'host'
    }

    def "the established tool's string-matching bugs are gone: ovr_bch compares and sorts by the branch"() {
        given: 'branches that sort the other way round from their shas'
        def a = state('a', branch: 'zeta', override: '0' * 64, workerType: 'pool-x')
        def b = state('b', branch: 'alpha', override: 'f' * 64)

        expect: 'equality on the branch, not on the "branch (sha) *wt" cell'
        Query.parse('ovr_bch=zeta').apply([a, b])*.name() == ['a']
        Query.parse('sha=zeta').apply([a, b])*.name() == ['a']

        and: 'sorting by the branch, not the sha'
        Query.parse('sort:ovr_bch').apply([a, b])*.name() == ['b', 'a']
        Query.parse('sort:ovr_bch:desc').apply([a, b])*.name() == ['a', 'b']

        and: 'durations compare as seconds, not as the rendered "1d 06h"'
        Query.parse('pp_last>1d').apply(hosts.values().toList())*.name() == ['ms-1']
    }

    def "data compares the older of the audit and the Taskcluster scan, like the established tool"() {
        given: 'audited 2 minutes ago, Taskcluster scanned 3 hours ago'
        def tc = new TaskclusterState(NOW - Duration.ofHours(3), 'releng-hardware/x', true, 'mdc1', 'h1', 'running',
                NOW - Duration.ofDays(30), NOW - Duration.ofMinutes(10), null, null, 'TASK', 0, 'completed', null, null, null)
        def obs = ok('h1')
        def scanned = HostState.of('h1', obs, obs, new ExternalFacts([h1: tc], [:], null, Duration.ofHours(1)), NOW)
        def fresh = state('h2')

        expect:
        Query.parse('data>1h').apply([scanned, fresh])*.name() == ['h1']
        Query.parse('data<5m').apply([scanned, fresh])*.name() == ['h2']
        Query.parse('sort:data:desc').apply([fresh, scanned])*.name() == ['h1', 'h2']
        Columns.standard().require('data').displayOf(scanned) == '2m/3h 00m'
    }

    def "the established tool's shipped filter '#q' parses and selects #expected"() {
        expect:
        run(q) == expected

        where:
        q                                                          || expected
        'healthy=n pp_last>20h sort:pp_last:desc'                  || []
        'tc_quar=yes sort:tc_act:desc'                             || []
        'ovr_bch!= os=L sort:ovr_bch,role:desc,host:asc'           || ['ms-1']
        'host~t-linux64-ms tc_act>4h data>4h note= sort:host:asc'  || []
        'os=L|M sort:role:desc,host:asc'                           || ['ms-10', 'ms-1', 'ms-2']
        'os=L|M|W sort:role:desc,host:asc'                         || ['ms-10', 'ms-1', 'ms-2']
        'sha~resolv'                                               || ['ms-1']
        'health= tc_j_sf='                                         || ['ms-1', 'ms-2', 'ms-10', 'down-1']
    }

    def "sort '#q' orders #expected"() {
        expect:
        run(q) == expected

        where:
        q                               || expected
        'sort:host'                     || ['down-1', 'ms-1', 'ms-2', 'ms-10']
        'sort:host:desc'                || ['ms-10', 'ms-2', 'ms-1', 'down-1']
        'SORT:host:DESC'                || ['ms-10', 'ms-2', 'ms-1', 'down-1']
        'sort:pp_last'                  || ['ms-10', 'ms-2', 'ms-1', 'down-1']
        'sort:pp_last:desc'             || ['ms-1', 'ms-2', 'ms-10', 'down-1']
        'sort:os,host:desc'             || ['ms-2', 'ms-1', 'ms-10', 'down-1']
        'sort:os sort:host:desc'        || ['ms-2', 'ms-1', 'ms-10', 'down-1']
        'os=L sort:uptime'              || ['ms-1', 'ms-2']
        'sort:uptime os=L'              || ['ms-1', 'ms-2']
        '(os=L sort:uptime:desc)'       || ['ms-2', 'ms-1']
    }

    def "parseSort reads a bare spec with spaces between keys and an optional sort: prefix"() {
        expect:
        Query.parseSort(spec, Columns.standard())*.toString() == keys

        where:
        spec                     || keys
        'pp_last:desc,host'      || ['pp_last:desc', 'host']
        ' pp_last:DESC , host '  || ['pp_last:desc', 'host']
        'sort:host:asc'          || ['host']
        'tc_j_sf'                || ['tc_t_dur']
    }

    def "bad query '#q' is one line naming the problem at column #column, pointing at [#position, +#length)"() {
        when:
        Query.parse(q)

        then:
        def e = thrown(QueryError)
        e instanceof UserError
        e.message.contains(message)
        e.message.contains("at column ${position + 1}")
        !e.message.contains('\n')
        e.position() == position
        e.length() == length

        where:
        q                          || message                                                                    | position | length
        'rol~talos'                || "unknown column 'rol' at column 1: did you mean 'role'? (columns: host os role" | 0 | 3
        'os=L pp_lst>2h'           || "unknown column 'pp_lst' at column 6: did you mean 'pp_last'?"            | 5        | 6
        'zzzzzzz=1'                || "unknown column 'zzzzzzz' at column 1: (columns: host os"                 | 0        | 7
        'talos'                    || "'talos' is not a condition at column 1: write COL OP VALUE"              | 0        | 5
        'os=L role'                || "column 'role' has no operator at column 6: write e.g. role=VALUE"        | 5        | 4
        '=x'                       || "'=' has no column before it at column 1: write COL=VALUE"                | 0        | 1
        'os=L ~x'                  || "'~' has no column before it at column 6"                                 | 5        | 1
        'role==x'                  || "unknown operator '==' at column 5: write a single '='"                   | 4        | 2
        'role=~x'                  || "unknown operator '=~' at column 5: write '~' for a regex match"          | 4        | 2
        'role!~x'                  || "unknown operator '!~' at column 5: write 'not COL~VALUE'"                | 4        | 2
        'host=>a'                  || "unknown operator '=>' at column 5: write '>='"                           | 4        | 2
        'role!x'                   || "unknown operator '!' at column 5: write '!=' for not equal"              | 4        | 1
        '!os=L'                    || "unknown operator '!' at column 1: write '!=' for not equal, or 'not' before a condition" | 0 | 1
        'role~'                    || "'~' needs a value at column 5: write e.g. role~TEXT (only = and != may be empty" | 4 | 1
        'pp_last>'                 || "'>' needs a value at column 8: write e.g. pp_last>20h"                   | 7        | 1
        'uptime<= os=L'            || "'<=' needs a value at column 7"                                          | 6        | 2
        'pp_last>abc'              || "'abc' is not a duration at column 9: column pp_last takes e.g. 20h, 90m" | 8        | 3
        'uptime=1h|xx'             || "'xx' is not a duration at column 11"                                     | 10       | 2
        'applied=maybe'            || "'maybe' is not yes or no at column 9: column applied takes Y or N"       | 8        | 5
        'health=perhaps'           || "'perhaps' is not yes or no at column 8: column healthy takes Y or N"     | 7        | 7
        'pp_sha>abc'               || "'>' does not apply to pp_sha (a sha) at column 7: use = != or ~ with it" | 6        | 1
        'wt_ovr<y'                 || "'<' does not apply to wt_ovr (a flag) at column 7"                       | 6        | 1
        'pp_last>1h|2h'            || "alternatives (a|b) with '>' at column 9: alternatives work with = != and ~ only" | 8 | 5
        'os=L|'                    || "empty alternative in 'L|' at column 5: write a|b"                        | 4        | 1
        'os=|L'                    || "empty alternative in '|L' at column 4"                                   | 3        | 1
        'os=L||M'                  || "empty alternative in 'L||M' at column 6"                                 | 5        | 1
        'role~talos|'              || "empty alternative in 'talos|' at column 11"                              | 10       | 1
        'role~a('                  || "bad regex 'a(' (Unclosed group) at column 6: fix the pattern"            | 5        | 2
        'role~"[x"'                || "bad regex '[x' (Unclosed character class) at column 6"                   | 5        | 4
        'note~"bad disk'           || 'unterminated quote at column 6: add the closing "'                       | 5        | 9
        "note~'bad"                || "unterminated quote at column 6: add the closing '"                       | 5        | 4
        '"bad disk"'               || "'\"bad disk\"' is not a condition at column 1: put a column and an operator before it, e.g. note~\"bad disk\"" | 0 | 10
        '(os=L'                    || "unbalanced '(' at column 1: add a ')' to close it"                      | 0        | 1
        '(os=L or (role~x)'        || "unbalanced '(' at column 1"                                              | 0        | 1
        'os=L)'                    || "unbalanced ')' at column 5: remove it or add a '(' before it"            | 4        | 1
        ')'                        || "unbalanced ')' at column 1"                                              | 0        | 1
        '()'                       || 'empty parentheses at column 1: put a condition inside or remove them'   | 0        | 2
        'os=L ( )'                 || 'empty parentheses at column 6'                                           | 5        | 3
        'os=L and'                 || "'and' has nothing after it at column 6: add a condition after it or remove it" | 5 | 3
        'os=L or'                  || "'or' has nothing after it at column 6"                                   | 5        | 2
        'os=L OR'                  || "'OR' has nothing after it at column 6"                                   | 5        | 2
        'and os=L'                 || "'and' has no condition before it at column 1: add a condition before it or remove it" | 0 | 3
        'or os=L'                  || "'or' has no condition before it at column 1"                             | 0        | 2
        'os=L not'                 || "'not' has nothing after it at column 6: add a condition after it, e.g. not os=L" | 5 | 3
        'not'                      || "'not' has nothing after it at column 1"                                  | 0        | 3
        'os=L and or role~x'       || "'and' has nothing after it at column 6"                                  | 5        | 3
        'os=L and and role~x'      || "'and' has nothing after it at column 6"                                  | 5        | 3
        '(os=L and)'               || "'and' has nothing after it at column 7"                                  | 6        | 3
        '(not) os=L'               || "'not' has nothing after it at column 2"                                  | 1        | 3
        'os=L && role~x'           || "'&&' is not an operator at column 6: write 'and'"                        | 5        | 2
        'os=L || role~x'           || "'||' is not an operator at column 6: write 'or'"                         | 5        | 2
        'sort:nope'                || "unknown column 'nope' in sort at column 6"                                  | 5        | 4
        'os=L sort:rol role~x'     || "unknown column 'rol' in sort at column 11: did you mean 'role'?"            | 10       | 3
        'sort:host:up'             || "sort direction 'up' at column 11: use asc or desc, e.g. host:desc"       | 10       | 2
        'sort:host:'               || "missing sort direction after 'host:' at column 10"                       | 9        | 1
        'sort:'                    || 'empty sort at column 1: name a column, e.g. sort:pp_last:desc,host'     | 0        | 5
        'os=L sort:host,'          || "empty sort key at column 15: remove the extra ','"                      | 14       | 1
        'sort:host,,role'          || "empty sort key at column 11"                                             | 10       | 1
        'sort:,host'               || "empty sort key at column 6"                                              | 5        | 1
        'sort:host:desc:x'         || "cannot read sort key 'host:desc:x' at column 6: use COL, COL:asc or COL:desc" | 5 | 11
        'sort::desc'               || "sort key ':desc' has no column at column 6"                              | 5        | 5
        'rol~x sort:nope'          || "unknown column 'rol' at column 1"                                        | 0        | 3
        'sort:nope rol~x'          || "unknown column 'nope' in sort at column 6"                                  | 5        | 4
        column = position + 1
    }

    def "parseSort errors point into the spec: '#spec'"() {
        when:
        Query.parseSort(spec, Columns.standard())

        then:
        def e = thrown(QueryError)
        e.message.contains(message)
        e.position() == position

        where:
        spec             || message                                    | position
        ''               || 'empty sort at column 1'                   | 0
        'pp_lst:desc'    || "unknown column 'pp_lst' in sort at column 1" | 0
        'host, nope'     || "unknown column 'nope' in sort at column 7"   | 6
        'host:down'      || "sort direction 'down' at column 6"        | 5
    }

    def "operator is the first in the condition, the longer on a tie; the rest is the value"() {
        expect:
        Query.parse(token).conditions()[0].op() == op
        Query.parse(token).conditions()[0].values() == values

        where:
        token        || op   | values
        'host<=ms-2' || '<=' | ['ms-2']
        'host>=ms-2' || '>=' | ['ms-2']
        'ovr_bch!='  || '!=' | []
        'host=a>b'   || '='  | ['a>b']
        'role~a=b'   || '~'  | ['a=b']
        'note=""'    || '='  | []
    }

    def "highlight '#text'"() {
        expect:
        Query.highlight(text, Columns.standard()).collect { [text.substring(it.start(), it.end()), it.kind()] } == spans

        where:
        text                            || spans
        ''                              || []
        'role~talos sort:pp_last:desc'  || [['role', COLUMN], ['~', OPERATOR], ['talos', VALUE], ['sort:', SORT],
                                            ['pp_last', COLUMN], [':', SORT], ['desc', SORT_DIRECTION]]
        'rol~x'                         || [['rol', UNKNOWN_COLUMN], ['~', OPERATOR], ['x', VALUE]]
        '(os=L or not os=M)'            || [['(', PAREN], ['os', COLUMN], ['=', OPERATOR], ['L', VALUE], ['or', KEYWORD],
                                            ['not', KEYWORD], ['os', COLUMN], ['=', OPERATOR], ['M', VALUE], [')', PAREN]]
        'note~"bad di'                  || [['note', COLUMN], ['~', OPERATOR], ['"bad di', ERROR]]
        'note~"bad disk" and'           || [['note', COLUMN], ['~', OPERATOR], ['"bad disk"', VALUE], ['and', ERROR]]
        'pp_last>abc'                   || [['pp_last', COLUMN], ['>', OPERATOR], ['abc', ERROR]]
        'role==x'                       || [['role', COLUMN], ['==', ERROR], ['x', VALUE]]
        'pp_l'                          || [['pp_l', UNKNOWN_COLUMN]]
        'role'                          || [['role', COLUMN]]
        'os=L)'                         || [['os', COLUMN], ['=', OPERATOR], ['L', VALUE], [')', ERROR]]
        'sort:host:up,nope'             || [['sort:', SORT], ['host', COLUMN], [':', SORT], ['up', ERROR], [',', SORT],
                                            ['nope', UNKNOWN_COLUMN]]
        'os~'                           || [['os', COLUMN], ['~', ERROR]]
    }

    def "highlight never throws and every prefix either parses or is a QueryError inside the text"() {
        given:
        def full = 'not (role~"gecko (t)|x" or os=L|M) and pp_last>=1h30m sort:pp_last:desc,host note!=\'a\\\'b\' ((x'
        def texts = (0..full.length()).collect { full.substring(0, it) } +
                ['(', ')', '"', "'", '=', '!', '~~~', 'sort:', 'sort:,', 'sort::', 'a=b=c', '((((', '))))', 'x~(', '\\',
                 '"\\', 'é~ü', 'os=\u0000', ' \t\n', 'not not not', 'and or not']

        expect:
        texts.every { t ->
            def spans = Query.highlight(t, Columns.standard())
            def ordered = spans.withIndex().every { s, i -> s.start() >= 0 && s.end() <= t.length() && s.start() < s.end()
                    && (i == 0 || spans[i - 1].end() <= s.start()) }
            boolean parsesOrQueryError
            try {
                Query.parse(t)
                parsesOrQueryError = true
            } catch (QueryError e) {
                parsesOrQueryError = e.position() >= 0 && e.position() + e.length() <= t.length() && !e.message.contains('\n')
            }
            ordered && parsesOrQueryError
        }
    }

    def "random texts made of query pieces: parse and parseSort only ever throw QueryError inside the text; highlight never throws"() {
        given: 'a fixed seed, so a failure is reproducible'
        def pieces = ['os', '=', 'L', '|', 'M', ' ', '(', ')', '"', "'", '\\', '~', '!', '<', '>', 'and', 'or', 'not',
                      'sort:', ':', ',', 'desc', 'pp_last', '1h', 'x', '[', '*', 'role', 'data', 'é']
        def random = new Random(20261207)
        def texts = (1..5000).collect { (0..<random.nextInt(12)).collect { pieces[random.nextInt(pieces.size())] }.join() }
        def problems = []

        when:
        texts.each { t ->
            def spans = Query.highlight(t, Columns.standard())
            if (!spans.every { it.start() >= 0 && it.end() <= t.length() && it.start() < it.end() }) {
                problems << "highlight [$t]: $spans"
            }
            [{ Query.parse(t) }, { Query.parseSort(t, Columns.standard()) }].each { c ->
                try {
                    c()
                } catch (QueryError e) {
                    if (e.position() < 0 || e.position() + e.length() > t.length() || e.message.contains('\n')) {
                        problems << "[$t]: ${e.position()}+${e.length()} ${e.message}"
                    }
                } catch (Exception e) {
                    problems << "[$t]: $e"
                }
            }
        }

        then:
        problems == []
    }

    def "text, sortKeys and conditions describe the query"() {
        given:
        def q = Query.parse('  role~talos (os=L or not uptime<1h) sort:host:desc  ')

        expect:
        q.text() == 'role~talos (os=L or not uptime<1h) sort:host:desc'
        q.toString() == q.text()
        q.conditions()*.source() == ['role~talos', 'os=L', 'uptime<1h']
        q.conditions()*.position() == [2, 14, 26]
        q.sortKeys()*.toString() == ['host:desc']
        q.hasSort()
        Query.parse('').expr() == null
        Query.parse('').conditions() == []
        !Query.parse('os=L').hasSort()
    }
}
