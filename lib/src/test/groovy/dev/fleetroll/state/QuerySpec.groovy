package dev.fleetroll.state

import dev.fleetroll.UserError
import dev.fleetroll.content.Humanhash
import dev.fleetroll.ssh.Outcome
import java.time.Duration
import spock.lang.Shared
import spock.lang.Specification

import static dev.fleetroll.state.TestObservations.*

class QuerySpec extends Specification {
    @Shared
    Map<String, HostState> hosts = [
            'ms-1'  : state('ms-1', role: 'gecko_t_linux_talos', os: 'Linux', puppetAge: Duration.ofHours(30),
                    branch: 'resolverd-fix', uptime: Duration.ofMinutes(30)),
            'ms-2'  : state('ms-2', role: 'gecko_t_linux_netperf', os: 'Linux', puppetAge: Duration.ofHours(2),
                    override: null, applied: null, uptime: Duration.ofDays(2)),
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
        'role~talos'                     || ['ms-1']
        'role~TALOS'                     || ['ms-1']
        'role~talos|netperf'             || ['ms-1', 'ms-2']
        'role=gecko_t_osx_1400'          || ['ms-10']
        'role!=gecko_t_osx_1400'         || ['ms-1', 'ms-2', 'down-1']
        'os=L'                           || ['ms-1', 'ms-2']
        'os=linux'                       || ['ms-1', 'ms-2']
        'os=M|L'                         || ['ms-1', 'ms-2', 'ms-10']
        'os!=M|L'                        || ['down-1']
        'pp_last>20h'                    || ['ms-1']
        'pp_last>=2h'                    || ['ms-1', 'ms-2']
        'pp_last<1h30m'                  || []
        'pp_last<=90m'                   || ['ms-10']
        'pp_last<100m'                   || ['ms-10']
        'pp_last>1d'                     || ['ms-1']
        'pp_last~FAIL'                   || ['ms-10']
        'uptime<1h'                      || ['ms-1']
        'uptime>=2d'                     || ['ms-2', 'ms-10']
        'ovr_bch='                       || ['ms-2', 'down-1']
        'ovr_bch!='                      || ['ms-1', 'ms-10']
        'ovr_bch=resolverd-fix'          || ['ms-1']
        'ovr_bch=RESOLVERD-FIX'          || ['ms-1']
        'ovr_bch~resolv'                 || ['ms-1']
        'wt_ovr=Y'                       || ['ms-10']
        'wt_ovr=n'                       || ['ms-1']
        'pp_sha=deadbeef'                || ['ms-10']
        'pp_sha=DEADBEEF0'               || ['ms-10']
        "ovr_sha=${Humanhash.of(SHA_A)}" || ['ms-1', 'ms-10']
        'applied=Y'                      || ['ms-1', 'ms-2']
        'applied=N'                      || ['ms-10']
        'applied='                       || ['down-1']
        'reachable=N'                    || ['down-1']
        'ssh=unreachable'                || ['down-1']
        'ssh!=ok'                        || ['down-1']
        'host>ms-2'                      || ['ms-10']
        'host<ms-10'                     || ['ms-1', 'ms-2', 'down-1']
        'data<5m'                        || ['ms-1', 'ms-2', 'ms-10']
        'data='                          || ['down-1']
        'role~linux pp_last<3h'          || ['ms-2']
        'ROLE~talos'                     || ['ms-1']
    }

    def "an unknown value fails conditions except col= and col!=VALUE"() {
        expect:
        run('role~zzz') == []
        run('role!=x').contains('down-1')
        !run('uptime>0s').contains('down-1')
    }

    def "sort '#q' orders #expected"() {
        expect:
        run(q) == expected

        where:
        q                               || expected
        'sort:host'                     || ['down-1', 'ms-1', 'ms-2', 'ms-10']
        'sort:host:desc'                || ['ms-10', 'ms-2', 'ms-1', 'down-1']
        'sort:pp_last'                  || ['ms-10', 'ms-2', 'ms-1', 'down-1']
        'sort:pp_last:desc'             || ['ms-1', 'ms-2', 'ms-10', 'down-1']
        'sort:os,host:desc'             || ['ms-2', 'ms-1', 'ms-10', 'down-1']
        'sort:os sort:host:desc'        || ['ms-2', 'ms-1', 'ms-10', 'down-1']
        'os=L sort:uptime'              || ['ms-1', 'ms-2']
    }

    def "bad query '#q' is one clear error: #message"() {
        when:
        Query.parse(q)

        then:
        def e = thrown(UserError)
        e.message.contains(message)
        !e.message.contains('\n')

        where:
        q                  || message
        'rol~talos'        || "unknown column 'rol' (did you mean 'role'?); columns: host os role"
        'pp_lst>2h'        || "did you mean 'pp_last'?"
        'talos'            || "cannot read 'talos'"
        '=x'               || "cannot read '=x'"
        'pp_last>abc'      || "'abc' is not a duration"
        'role~'            || "needs a value after '~'"
        'applied=maybe'    || "is not yes or no"
        'pp_sha>abc'       || 'use = != or ~'
        'pp_last>1h|2h'    || 'alternatives (a|b) work with = != ~ only'
        'sort:nope'        || "unknown column 'nope'"
        'sort:host:up'     || 'must be asc or desc'
        'sort:'            || 'empty sort'
    }

    def "operator is the earliest in the token, the longer on a tie"() {
        expect:
        Query.parse(token).conditions()[0].op() == op

        where:
        token        || op
        'host<=ms-2' || '<='
        'host>=ms-2' || '>='
        'ovr_bch!='  || '!='
        'host=a>b'   || '='
        'role~a=b'   || '~'
    }
}
