package dev.fleetroll.console.dsl

import dev.fleetroll.UserError
import dev.fleetroll.console.testing.DslHarness
import dev.fleetroll.ssh.Outcome
import spock.lang.AutoCleanup
import spock.lang.Specification

class HostSetSpec extends Specification {
    static final Map HOSTS = [
            'ms-1.ex' : [role: 'gecko_t_linux_talos', branch: 'fix-1'],
            'ms-2.ex' : [role: 'gecko_t_linux_netperf', override: null, applied: null],
            'ms-3.ex' : [role: 'gecko_t_linux_talos', success: false],
            'ms-10.ex': [role: 'gecko_t_osx', os: 'Darwin', applied: 'f' * 64],
            'db-1.ex' : [behaviour: 'unreachable'],
    ]

    @AutoCleanup
    DslHarness dsl = new DslHarness(HOSTS, [linux: ['ms-[1-3].ex'], mac: ['ms-10.ex'], all: ['ms-[1-3,10].ex', 'db-1.ex']])

    def "selection: list names, node sets, hosts and files; several are a union, sorted and de-duplicated"() {
        expect:
        dsl.eval("hosts('linux').names()") == ['ms-1.ex', 'ms-2.ex', 'ms-3.ex']
        dsl.eval("hosts('ms-[2,10].ex', 'linux').names()") == ['ms-1.ex', 'ms-2.ex', 'ms-3.ex', 'ms-10.ex']
        dsl.eval("hosts('mac', 'ms-10.ex').size()") == 1
        dsl.eval("hosts(file('configs/host-lists/mac.list')).names()") == ['ms-10.ex']
        dsl.eval("hosts(hosts('mac'), 'db-1.ex').names()") == ['db-1.ex', 'ms-10.ex']
        dsl.eval("inventory().size()") == 4   // the store has seen the four reachable hosts
    }

    def "hosts() alone reads nothing from the store or the network"() {
        when:
        dsl.eval("def s = hosts('all'); s.size()")

        then:
        dsl.fleet.calls.isEmpty()
        dsl.session.fleetIfOpen() == null
    }

    def "where by closure: delegate is the HostState, ! works, it and a named parameter work"() {
        expect:
        dsl.eval("hosts('all').where { !applied }.names()") == ['db-1.ex', 'ms-3.ex', 'ms-10.ex']
        dsl.eval("hosts('all').where { applied && role =~ /talos/ }.names()") == ['ms-1.ex']
        dsl.eval("hosts('all').where { it.os == 'Darwin' }.names()") == ['ms-10.ex']
        dsl.eval("hosts('all').where { h -> h.override?.branch == 'fix-1' }.names()") == ['ms-1.ex']
        dsl.eval("hosts('all').where { puppet?.success == false }.names()") == ['ms-3.ex']
        dsl.eval("hosts('all').where { !reachable }.names()") == ['db-1.ex']
    }

    def "DELEGATE_FIRST: a script variable with a property's name does not shadow the host's value"() {
        expect:
        dsl.eval("role = 'nope'; hosts('linux').where { role == 'gecko_t_linux_netperf' }.names()") == ['ms-2.ex']
    }

    def "the closure runs on a copy per host: the caller's closure keeps its delegate"() {
        when:
        def r = dsl.eval("def c = { applied }; hosts('all').where(c); [c.delegate == this, c.resolveStrategy]")

        then:
        r == [true, Closure.OWNER_FIRST]
    }

    def "a misspelt property inside where names the nearest HostState property"() {
        when:
        dsl.eval("hosts('linux').where { aplied }")

        then:
        def e = thrown(UserError)
        e.message ==~ /where \{ \.\.\. \} on ms-1\.ex: no HostState property or variable 'aplied' \(did you mean 'applied'\?\)/
    }

    def "where by query uses the monitor syntax with typed comparisons"() {
        expect:
        dsl.eval("hosts('all').where('role~talos').names()") == ['ms-1.ex', 'ms-3.ex']
        dsl.eval("hosts('all').where('os=M|L applied=N').names()") == ['ms-3.ex', 'ms-10.ex']
        dsl.eval("hosts('all').where('ovr_bch=fix-1').names()") == ['ms-1.ex']
        dsl.eval("hosts('all').where('ovr_bch=').names()") == ['db-1.ex', 'ms-2.ex']
        dsl.eval("hosts('all').where('pp_last<2h reachable=Y sort:host:desc').names()") == ['ms-10.ex', 'ms-3.ex', 'ms-2.ex', 'ms-1.ex']
    }

    def "an unknown query column is one line naming the nearest column"() {
        when:
        dsl.eval("hosts('all').where('rol~x')")

        then:
        def e = thrown(UserError)
        e.message.startsWith("unknown column 'rol' at column 1: did you mean 'role'? (columns: host os role")
        !e.message.contains('\n')
    }

    def "where by query: and, or, not, parentheses and quoted regexes"() {
        expect:
        dsl.eval("hosts('all').where('role~talos and not applied=N').names()") == ['ms-1.ex']
        dsl.eval("hosts('all').where('(os=M or ovr_bch=fix-1) sort:host:desc').names()") == ['ms-10.ex', 'ms-1.ex']
        dsl.eval("hosts('all').where('role~\"^gecko_t_linux_(talos|netperf)\" os=L').names()") == ['ms-1.ex', 'ms-2.ex', 'ms-3.ex']
    }

    def "a bad query in where is one line naming the problem and its column"() {
        when:
        dsl.eval("hosts('all').where('os=L and')")

        then:
        def e = thrown(UserError)
        e.message == "'and' has nothing after it at column 6: add a condition after it or remove it"
    }

    def "filter('name') applies a named filter from the project's configs/filters or FLEETROLL_HOME/filters"() {
        given:
        def project = dsl.project.resolve('configs/filters')
        def personal = dsl.home.resolve('filters')
        [project, personal].each { java.nio.file.Files.createDirectories(it) }
        project.resolve('talos.yaml').text = 'query: role~talos sort:host:desc\ndescription: talos hosts\n'
        project.resolve('mac.yaml').text = 'query: os=M\n'
        personal.resolve('mac.yaml').text = 'query: os=M|L applied=N\n'
        project.resolve('broken.yaml').text = 'query: pp_last>soon\n'

        expect: 'the filter applies, its sort too; the personal file wins'
        dsl.eval("hosts('all').filter('talos').names()") == ['ms-3.ex', 'ms-1.ex']
        dsl.eval("hosts('all').filter('mac').names()") == ['ms-3.ex', 'ms-10.ex']

        when: 'a misspelt name'
        dsl.eval("hosts('all').filter('tallos')")

        then:
        def e = thrown(UserError)
        e.message == "unknown named filter 'tallos' (did you mean 'talos'?); filters: mac talos"

        when: 'a filter whose file is bad'
        dsl.eval("hosts('all').filter('broken')")

        then:
        e = thrown(UserError)
        e.message.startsWith("named filter 'broken' cannot be used: ")
        e.message.contains("'soon' is not a duration at column 9")
    }

    def "shaping: sort, take, drop, pick, batches, + - &"() {
        expect:
        dsl.eval("hosts('all').sort('role:desc,host').names()") == ['ms-10.ex', 'ms-1.ex', 'ms-3.ex', 'ms-2.ex', 'db-1.ex']
        dsl.eval("hosts('all').sort { role }.take(2).names()") == ['ms-2.ex', 'ms-1.ex']
        dsl.eval("hosts('all').drop(3).names()") == ['ms-3.ex', 'ms-10.ex']
        dsl.eval("hosts('all').take(0).size()") == 0
        dsl.eval("hosts('all').pick(2, 7).names()") == dsl.eval("hosts('all').pick(2, 7).names()")
        dsl.eval("hosts('all').pick(2).size()") == 2
        dsl.eval("hosts('all').batches(2)*.names()") == [['db-1.ex', 'ms-1.ex'], ['ms-2.ex', 'ms-3.ex'], ['ms-10.ex']]
        dsl.eval("hosts('all').batches('40%')*.size()") == [2, 2, 1]
        dsl.eval("(hosts('mac') + hosts('linux')).names()") == ['ms-10.ex', 'ms-1.ex', 'ms-2.ex', 'ms-3.ex']
        dsl.eval("(hosts('all') - hosts('linux')).names()") == ['db-1.ex', 'ms-10.ex']
        dsl.eval("(hosts('all') & hosts('linux') & 'ms-2.ex').names()") == ['ms-2.ex']
        dsl.eval("(hosts('linux') + 'db-1.ex').size()") == 4
    }

    def "sets are immutable: shaping returns new sets"() {
        expect:
        dsl.eval("def a = hosts('all'); def b = a.take(1); def c = a - b; [a.size(), b.size(), c.size()]") == [5, 1, 4]
    }

    def "each, collect, groupBy, iteration and indexing"() {
        expect:
        dsl.eval("hosts('linux').collect { name - '.ex' }") == ['ms-1', 'ms-2', 'ms-3']
        dsl.eval("def n = []; hosts('linux').each { n << role }; n.unique()") == ['gecko_t_linux_talos', 'gecko_t_linux_netperf']
        dsl.eval("hosts('linux').groupBy { role }.collectEntries { k, v -> [k, v.size()] }") ==
                [gecko_t_linux_talos: 2, gecko_t_linux_netperf: 1]
        dsl.eval("def n = []; for (h in hosts('mac')) { n << h.os }; n") == ['Darwin']
        dsl.eval("hosts('linux')[0].name") == 'ms-1.ex'
        dsl.eval("hosts('linux')[-1].name") == 'ms-3.ex'
        dsl.eval("hosts('linux')['ms-2.ex'].role") == 'gecko_t_linux_netperf'
        dsl.eval("hosts('linux').fold()") == 'ms-[1-3].ex'
        dsl.eval("hosts('linux').toString()") == '3 hosts: ms-[1-3].ex'
        dsl.eval("hosts('linux') ? 'yes' : 'no'") == 'yes'
        dsl.eval("hosts('linux').where { false } ? 'yes' : 'no'") == 'no'
    }

    def "show prints the monitor table; json prints states"() {
        when:
        dsl.eval("hosts('linux').show()")

        then:
        def lines = dsl.out.readLines()
        lines[0] ==~ /HOST\s+OS\s+ROLE\s+VLT_SHA\s+OVR_BCH\s+UPTIME\s+PP_LAST\s+PP_SHA\s+APPLIED\s+DATA\s+SSH/
        lines[1] ==~ /ms-1\.ex\s+L\s+gecko_t_linux_talos\s+bbbbbbbb \S+\s+fix-1 \(aaaaaaaa\).*Y\s+\S+\s+ok/
        lines.size() == 4
        !dsl.out.contains('\033[')

        when:
        dsl.outBytes.reset()
        dsl.eval("hosts('mac').json()")
        def json = new groovy.json.JsonSlurper().parseText(dsl.out)

        then:
        json.size() == 1
        json[0].name == 'ms-10.ex'
        json[0].os == 'Darwin'
        json[0].applied == false
        json[0].uptime == 3 * 86400
        json[0].puppet.gitBranch == 'main'
        json[0].override.humanhash ==~ /[a-z]+-[a-z]+/
        json[0].healthy == null
    }

    def "audit returns the set with fresh state and keeps what failed"() {
        given:
        dsl.fleet.hosts['ms-2.ex'].role = 'changed'

        when:
        def s = dsl.eval("x = hosts('all').audit(); x")

        then:
        s.size() == 5
        s['ms-2.ex'].role == 'changed'
        !s['db-1.ex'].reachable
        s.results.summary() ==~ /audit: 5 hosts in \S+: 4 ok, 1 unreachable \(db-1\.ex\)/
        dsl.err.contains('audit: 5 hosts')
        dsl.fleet.calls[0] == 'audit db-1.ex,ms-1.ex,ms-2.ex,ms-3.ex,ms-10.ex'
        dsl.eval("x.unreachable.names()") == ['db-1.ex']
    }

    def "exec gathers identical output with folded host ranges"() {
        given:
        dsl.fleet.hosts['ms-10.ex'].output = 'Darwin\n'

        when:
        ExecResults r = dsl.eval("hosts('all').exec('uname', sudo: true, timeout: 30.seconds)")

        then:
        r.groups.size() == 3
        r.groups[0].header == 'ms-[1-3].ex'
        r.groups[0].stdout == 'ran: uname\n'
        r.groups[1].header == 'ms-10.ex'
        r.groups[2].outcome == Outcome.UNREACHABLE
        r.ok.names() == ['ms-1.ex', 'ms-2.ex', 'ms-3.ex', 'ms-10.ex']
        r.unreachable.names() == ['db-1.ex']
        r.output('ms-10.ex') == 'Darwin\n'
        dsl.fleet.calls[0] == 'exec uname (root) on db-1.ex,ms-1.ex,ms-2.ex,ms-3.ex,ms-10.ex'
        dsl.out.contains('''\
---------------
ms-[1-3].ex (3)
---------------
ran: uname
''')
        dsl.out.contains('db-1.ex (1) unreachable: connection refused')
        dsl.err.contains('exec: 5 hosts')
    }

    def "exec rejects unknown options with the nearest one"() {
        when:
        dsl.eval("hosts('linux').exec('x', sduo: true)")

        then:
        def e = thrown(UserError)
        e.message.startsWith("exec: unknown option 'sduo:' (did you mean 'sudo:'?)")
    }

    def "waitFor returns when every host meets the condition"() {
        given: 'ms-3 applies its override on the second audit'
        dsl.fleet.changes[2] = ['ms-3.ex': [success: true]]

        when:
        Results r = dsl.eval("hosts('linux').waitFor(5.seconds, every: 50.milliseconds) { applied }")

        then:
        r.allOk
        r.ok.size() == 3
        dsl.fleet.audits == 2
        dsl.fleet.calls[1] == 'audit ms-3.ex'   // hosts already done are not audited again
    }

    def "waitFor times out and reports the hosts that never met the condition"() {
        given: 'time that moves only when waitFor sleeps'
        def timed = new DslHarness(HOSTS, [linux: ['ms-[1-3].ex']], [ticker: Ticker.manual()])

        when:
        Results r = timed.eval("hosts('linux').waitFor(300.milliseconds, every: 100.milliseconds) { applied }")

        then: 'audits at 0, 100, 200 and 300 ms: the first of all three hosts, then only of the one not met'
        r.failed.names() == ['ms-3.ex']
        r.error('ms-3.ex') == 'condition not met within 300ms'
        r.ok.size() == 2
        timed.fleet.audits == 4
        r.elapsed == java.time.Duration.ofMillis(300)

        cleanup:
        timed?.close()
    }

    def "durations in scripts"() {
        expect:
        dsl.eval('30.seconds') == java.time.Duration.ofSeconds(30)
        dsl.eval('5.minutes + 1.hour') == java.time.Duration.ofMinutes(65)
        dsl.eval('1.day') == java.time.Duration.ofDays(1)
        dsl.eval('1.5.hours') == java.time.Duration.ofMinutes(90)
        dsl.eval('2.hours * 3') == java.time.Duration.ofHours(6)
        dsl.eval('1.hour / 4') == java.time.Duration.ofMinutes(15)
        dsl.eval('-5.minutes') == java.time.Duration.ofMinutes(-5)
        dsl.eval("hosts('linux').where { dataAge < 1.hour && uptime > 2.days }.size()") == 3
        dsl.eval("duration('1h30m')") == java.time.Duration.ofMinutes(90)
    }
}
