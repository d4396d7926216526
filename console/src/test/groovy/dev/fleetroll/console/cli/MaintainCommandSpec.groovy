package dev.fleetroll.console.cli

import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.ops.Maintenance
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.TestObservations
import dev.fleetroll.store.SqliteStore
import groovy.json.JsonSlurper
import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock
import java.time.Duration
import java.time.Instant
import spock.lang.Specification
import spock.lang.TempDir

/** fleetroll maintain and audit-log verify across rotated files, through the Cli class over a real home. */
class MaintainCommandSpec extends Specification {
    @TempDir Path dir
    Path home
    CliRunner cli

    def setup() {
        home = dir.resolve('home')
        cli = new CliRunner(home, null, [HOME: dir.toString(), USER: 'ops'])
        def now = Instant.now()
        SqliteStore.open(new FleetrollHome(home), new FleetrollConfig.Store(1000)).withCloseable { s ->
            // h1: audited daily for 200 days, then down for the last 150 (keep_days 90 prunes the old history)
            (0..<200).each { d ->
                def ts = now - Duration.ofDays(200 - d) - Duration.ofHours(1)  // an hour off the 90-day line
                s.save(d < 50 ? TestObservations.ok('h1.ex', ts: ts) : TestObservations.failed('h1.ex', Outcome.UNREACHABLE, ts: ts))
            }
            s.save(TestObservations.ok('h2.ex', ts: now - Duration.ofDays(300)))
            s.addNotes(['h1.ex'], 'down since spring', 'ops', now - Duration.ofDays(400))
        }
        // some audit history to rotate
        cli.run('note', 'h2.ex', 'old one')
        cli.run('note', 'h2.ex', 'newer one')
    }

    SqliteStore store() {
        SqliteStore.open(new FleetrollHome(home), new FleetrollConfig.Store(1000))
    }

    List<String> rotatedFiles() {
        Files.list(home).withCloseable { it.toList() }*.fileName*.toString().findAll { it.startsWith('audit.jsonl.') }
    }

    def "a dry run says what it would do and changes nothing"() {
        given:
        def dbBefore = Files.size(home.resolve('fleetroll.db'))
        def logBefore = Files.readAllBytes(home.resolve('audit.jsonl'))

        when:
        def r = cli.run('maintain', '--force-rotate')

        then:
        r.status == 0
        r.out.readLines()[0] == 'prune: would delete 109 observations older than 90 days (each host keeps its newest, its newest successful one and the first failure after it)'
        r.out.readLines()[1].startsWith('compact: would checkpoint and vacuum fleetroll.db')
        r.out.readLines()[2] ==~ /rotate: would rotate audit\.jsonl \(\d+B, limit 100M\)/
        r.out.readLines()[3] == 'dry run: nothing changed; run again with --confirm'
        Files.readAllBytes(home.resolve('audit.jsonl')) == logBefore
        rotatedFiles() == []
        store().withCloseable { it.history('h1.ex', 1000).size() } == 200
        Files.size(home.resolve('fleetroll.db')) == dbBefore
    }

    def "--confirm prunes (keeping last OK and first failure), compacts, rotates with --force-rotate; the chain verifies across files"() {
        when:
        def r = cli.run('maintain', '--confirm', '--force-rotate')

        then:
        r.status == 0
        r.out.readLines()[0].startsWith('prune: deleted 109 observations older than 90 days')
        r.out.readLines()[1] ==~ /compact: fleetroll\.db \S+ -> \S+ \(write-ahead log \S+ -> 0B\)/
        r.out.readLines()[2] ==~ /rotate: audit\.jsonl \(\d+B\) is now audit\.jsonl\.\d{8}-\d{6}; the new audit\.jsonl continues its chain/
        !Files.exists(home.resolve('fleetroll.db-wal')) || Files.size(home.resolve('fleetroll.db-wal')) == 0

        and: 'h1 keeps its last OK (day 49) and the first failure (day 50); h2 keeps its only observation; notes stay'
        def s = store()
        def h1 = s.history('h1.ex', 1000)
        h1.size() == 89 + 2   // the daily rows younger than 90 days, plus the two kept
        h1.findAll { it.ok() }.size() == 1
        s.failingSince('h1.ex').isPresent()
        s.history('h2.ex', 10).size() == 1
        s.notes()['h1.ex'].text() == 'down since spring'
        s.notes()['h2.ex'].count() == 2
        s.close()

        and: 'the rotated file and the new one verify as one chain; show reads both'
        def verify = cli.run('audit-log', 'verify')
        verify.status == 0
        verify.out ==~ /audit log ok: 4 records in 2 files \(rotated ones included\), chain intact \(.*audit\.jsonl\)\n/
        cli.run('audit-log', 'show', '--action', 'host').out.readLines().size() == 2
        def maintainRecord = new AuditLog(home.resolve('audit.jsonl'), 'x', Clock.systemUTC())
                .read(new AuditLog.Filter(null, 'fleetroll.maintain', null)).entries()[0].record()
        maintainRecord.actor() == 'ops'
        maintainRecord.observed().observations_pruned == 109
        maintainRecord.observed().audit_log_rotated == true

        when: 'a rotated file goes missing'
        rotatedFiles().each { Files.delete(home.resolve(it)) }
        def broken = cli.run('audit-log', 'verify')

        then:
        broken.status == 1
        broken.out.contains('audit log BROKEN at line 1: line 1 continues audit.jsonl.')
        broken.out.contains('which is missing')
    }

    def "--confirm without --force-rotate leaves a small audit log alone; maintain.large_mb from the configuration"() {
        when:
        def r = cli.run('maintain', '--confirm')

        then:
        r.out.readLines()[2] ==~ /rotate: audit\.jsonl is \d+B, below 100M \(--force-rotate rotates it anyway\)/
        rotatedFiles() == []

        when:
        home.resolve('config.yaml').text = 'maintain:\n  large_mb: 1\nstore:\n  keep_days: 0\n'
        def sizes = Maintenance.sizes(new FleetrollHome(home), new FleetrollConfig.Maintain(1))
        def dry = cli.run('maintain')

        then:
        !sizes.large()
        sizes.warning() == null
        dry.out.readLines()[0] == 'prune: store.keep_days is 0: observations are kept whatever their age'
        dry.out.readLines()[2].contains('below 1.0M')
    }

    def "the sizes API warns the monitor once the audit log or the store reaches maintain.large_mb"() {
        given:
        def big = home.resolve('audit.jsonl')
        Files.write(big, new byte[1024 * 1024], java.nio.file.StandardOpenOption.APPEND)

        when:
        def sizes = Maintenance.sizes(new FleetrollHome(home), new FleetrollConfig.Maintain(1))

        then:
        sizes.large()
        sizes.warning() ==~ /Large logs: audit: 1\.0M, db: \S+ \(run 'fleetroll maintain'\)/
    }

    def "maintain takes no arguments"() {
        expect:
        cli.run('maintain', 'now').status == 2
        cli.run('maintain', '--help').out.contains('fleetroll maintain --confirm --force-rotate')
    }
}
