package dev.fleetroll.console.cli

import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.state.BranchHead
import dev.fleetroll.state.TaskclusterState
import dev.fleetroll.state.TestObservations
import dev.fleetroll.store.SqliteStore
import groovy.json.JsonSlurper
import java.nio.file.Path
import java.time.Duration
import java.time.Instant
import spock.lang.Specification
import spock.lang.TempDir

/**
 * fleetroll data-freshness through the Cli class over a real store. Ages are minutes to hours away from every limit,
 * so the few milliseconds between writing the data and checking it cannot change a verdict.
 */
class DataFreshnessCommandSpec extends Specification {
    @TempDir Path dir
    CliRunner cli

    def setup() {
        cli = new CliRunner(dir.resolve('home'), null, [HOME: dir.toString(), USER: 'cron'])
    }

    void store(Closure c) {
        SqliteStore.open(new FleetrollHome(dir.resolve('home')), new FleetrollConfig.Store(10)).withCloseable(c)
    }

    static Instant ago(long minutes) {
        Instant.now() - Duration.ofMinutes(minutes)
    }

    void fleet(long auditMinutes3, long tcMinutes, long headMinutes) {
        store { SqliteStore s ->
            s.save(TestObservations.ok('ms-1.ex', ts: ago(10)))
            s.save(TestObservations.ok('ms-2.ex', ts: ago(20)))
            s.save(TestObservations.ok('ms-3.ex', ts: ago(auditMinutes3)))
            s.saveTaskcluster(['ms-1.ex', 'ms-2.ex', 'ms-3.ex'].collectEntries { [it, TaskclusterState.absent(ago(tcMinutes), 'p/w', it, null)] })
            s.saveBranchHeads([new BranchHead('acme/ronin_puppet:main', 'c' * 40, ago(headMinutes), null)])
        }
    }

    def "fresh data: exit 0 and one ok line per part"() {
        given:
        fleet(30, 5, 15)

        when:
        def r = cli.run('data-freshness')

        then:
        r.status == 0
        r.err == ''
        r.out.readLines().size() == 3
        r.out.readLines()[0] ==~ /audit: ok, 3 hosts within 2h \(oldest ms-3\.ex, 3\dm\)/
        r.out.readLines()[1].startsWith('tc: ok, 3 hosts within 1h')
        r.out.readLines()[2].startsWith('gh: ok, 1 branch within 2h')
    }

    def "an old audit is exit 1 with a line naming the part, the oldest host, its age and the limit; flags move the limits"() {
        given:
        fleet(312, 5, 15)

        when:
        def r = cli.run('data-freshness')

        then:
        r.status == 1
        r.out.readLines()[0] ==~ /audit: 1 of 3 hosts' data older than 2h \(oldest ms-3\.ex, 5h 1\dm\)/

        expect:
        cli.run('data-freshness', '--max-audit-age', '6h').status == 0
        cli.run('data-freshness', '--min-fresh-pct', '60').status == 0
        cli.run('data-freshness', 'ms-[1-2].ex').status == 0
        cli.run('data-freshness', '--parts', 'tc,gh').status == 0
        cli.run('data-freshness', '--max-tc-age', '1m').status == 1
    }

    def "freshness limits come from the configuration"() {
        given:
        fleet(312, 5, 15)
        dir.resolve('home/config.yaml').text = 'freshness:\n  max_audit_age: 8h\n'

        expect:
        cli.run('data-freshness').status == 0
    }

    def "--json: the verdict per part with counts, ages in seconds and the message"() {
        given:
        fleet(312, 5, 15)

        when:
        def r = cli.run('data-freshness', '--json')
        def doc = new JsonSlurper().parseText(r.out)

        then:
        r.status == 1
        doc.fresh == false
        doc.hosts == 3
        doc.parts.audit.fresh == false
        doc.parts.audit.limit_s == 7200
        doc.parts.audit.stale*.key == ['ms-3.ex']
        doc.parts.audit.stale[0].age_s >= 312 * 60
        doc.parts.audit.fresh_count == 2
        doc.parts.tc.fresh == true
        doc.parts.gh.missing == []
    }

    def "an empty store is stale (exit 1) with a line saying what to run"() {
        when:
        def r = cli.run('data-freshness', '--parts', 'audit')

        then:
        r.status == 1
        r.out == 'audit: no hosts to check (the store has none: run gather-host first)\n'
    }

    def "usage errors are exit 2 with one line: #args"() {
        when:
        def r = cli.run(args as String[])

        then:
        r.status == 2
        r.out == ''
        r.err.readLines().size() == 1
        r.err.contains(message)

        where:
        args                                              | message
        ['data-freshness', '--max-audit-age', 'soon']     | "--max-audit-age 'soon' is not a positive duration"
        ['data-freshness', '--min-fresh-pct', '120']      | "--min-fresh-pct '120' must be a whole percentage 0..100"
        ['data-freshness', '--parts', 'audit,puppet']     | "unknown part 'puppet' (audit, tc, gh)"
        ['data-freshness', 'bad_host.ex']                 | "bad host name 'bad_host.ex'"
    }
}
