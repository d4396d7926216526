package dev.fleetroll.console.cli

import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.rollout.BatchSize
import dev.fleetroll.rollout.RolloutPlan
import dev.fleetroll.rollout.RolloutStore
import dev.fleetroll.state.BranchHead
import dev.fleetroll.state.TaskclusterState
import dev.fleetroll.state.TestObservations
import dev.fleetroll.store.PostgresFixture
import dev.fleetroll.store.PostgresStore
import dev.fleetroll.store.PostgresUrl
import dev.fleetroll.store.SqliteStore
import groovy.json.JsonSlurper
import java.nio.file.Path
import java.time.Instant
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.TempDir

/** fleetroll store migrate --to URL through the Cli class: a real SQLite home copied into a real PostgreSQL. */
@Requires({ PostgresFixture.supported() })
class StoreMigrateCommandSpec extends Specification {
    static final Instant T = Instant.parse('2026-12-01T10:00:00Z')
    static final String SECRET = 'pw-not-to-be-shown'

    @Shared
    @AutoCleanup
    PostgresFixture pg = PostgresFixture.start()

    @TempDir Path dir
    Path home
    CliRunner cli

    def setup() {
        home = dir.resolve('home')
        cli = new CliRunner(home, null, [HOME: dir.toString(), USER: 'ops', PGPASSWORD: SECRET])
        SqliteStore.open(new FleetrollHome(home), new FleetrollConfig.Store(10)).withCloseable { s ->
            s.saveAll([TestObservations.ok('h1.ex', ts: T), TestObservations.ok('h2.ex', ts: T),
                       TestObservations.failed('h2.ex', dev.fleetroll.ssh.Outcome.UNREACHABLE, ts: T.plusSeconds(60))])
            s.saveTaskcluster(['h1.ex': TaskclusterState.absent(T, 'releng-hardware/x', 'h1', null)])
            s.saveBranchHeads([new BranchHead('o/r:master', 'abc', T, null)])
            s.addNotes(['h1.ex'], 'disk failing', 'alice', T)
            new RolloutStore(s).create(new RolloutPlan('r1', ['h1.ex', 'h2.ex'], [:], 'x.override', "X=1\n", 'b' * 64,
                    ['h1.ex'], [BatchSize.REST], 'applied=y', 60, 0, true), [['h1.ex'], ['h2.ex']], 'alice', T)
        }
    }

    def "copies every table into an empty database in one go, says how many rows, and the copy reads the same"() {
        given:
        def url = pg.createDatabase()

        when:
        def r = cli.run('store', 'migrate', '--to', url)

        then:
        r.status == 0
        r.out.startsWith("Copied ${home.resolve('fleetroll.db')} to ${PostgresUrl.parse(url).redacted()}: ")
        r.out.readLines().find { it.trim().startsWith('observations') }.trim().split(/\s+/) == ['observations', '3']
        r.out.readLines().find { it.trim().startsWith('rollout_hosts') }.trim().split(/\s+/) == ['rollout_hosts', '2']
        !(r.out + r.err).contains(SECRET)

        and: 'the PostgreSQL store reads what the SQLite one did'
        def sqlite = SqliteStore.open(new FleetrollHome(home), new FleetrollConfig.Store(10))
        def copy = PostgresStore.open(PostgresUrl.parse(url), 10)
        copy.statusByHost() == sqlite.statusByHost()
        copy.changesSince(0) == sqlite.changesSince(0)
        copy.taskcluster() == sqlite.taskcluster()
        copy.branchHeads() == sqlite.branchHeads()
        copy.notes() == sqlite.notes()
        copy.noteHistory('h1.ex', 10) == sqlite.noteHistory('h1.ex', 10)
        new RolloutStore(copy).list() == new RolloutStore(sqlite).list()

        and: 'new rows continue after the copied ids'
        copy.save(TestObservations.ok('h3.ex', ts: T)) > sqlite.lastId()
        copy.addNotes(['h2.ex'], 'new', 'bob', T)[0].id() > sqlite.noteHistory('h1.ex', 1)[0].id()

        and: 'the audit log records it, without the password'
        def rec = home.resolve('audit.jsonl').readLines().collect { new JsonSlurper().parseText(it) }
                .find { it.action == 'fleetroll.store.migrate' }
        rec.ok == true
        rec.parameters.to == PostgresUrl.parse(url).redacted()
        rec.observed.rows.observations == 3
        !home.resolve('audit.jsonl').text.contains(SECRET)

        cleanup:
        sqlite?.close()
        copy?.close()
    }

    def "a database that already has rows is refused with one line, and nothing is written to it"() {
        given:
        def url = pg.createDatabase()
        PostgresStore.open(PostgresUrl.parse(url), 10).withCloseable { it.addNotes(['other'], 'there first', 'bob', T) }

        when:
        def r = cli.run('store', 'migrate', '--to', url)

        then:
        r.status == 2
        r.err.trim().readLines().size() == 1
        r.err.contains("is not empty (table notes has rows); migrate into a new, empty database")
        PostgresStore.open(PostgresUrl.parse(url), 10).withCloseable { it.hosts().isEmpty() && it.notes().keySet() == ['other'] as Set }
        home.resolve('audit.jsonl').readLines().collect { new JsonSlurper().parseText(it) }
                .find { it.action == 'fleetroll.store.migrate' }.ok == false
    }

    def "bad input: #why"() {
        when:
        def r = cli.run(args as String[])

        then:
        r.status == 2
        r.err.contains(message)
        !(r.out + r.err).contains('Exception')

        where:
        why                     | args                                                   | message
        'no subcommand'         | ['store']                                              | 'usage: fleetroll store migrate --to'
        'no --to'               | ['store', 'migrate']                                   | 'store migrate needs --to'
        'not a PostgreSQL URL'  | ['store', 'migrate', '--to', 'mysql://u@h/db']         | 'is not a PostgreSQL URL'
        'nobody listening'      | ['store', 'migrate', '--to', 'postgres://u@127.0.0.1:1/db'] | 'cannot connect to the store postgres://u@127.0.0.1:1/db'
    }
}
