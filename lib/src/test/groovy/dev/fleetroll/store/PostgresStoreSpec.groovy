package dev.fleetroll.store

import dev.fleetroll.UserError
import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import java.nio.file.Path
import java.time.Instant
import java.util.concurrent.CountDownLatch
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.TempDir

/**
 * What only PostgreSQL has to prove (the shared contract runs in {@link StoreOnPostgresSpec} and its siblings):
 * writers on separate connections, marks seeing another connection's commit, the schema from empty through Flyway,
 * the scanner lease, vacuum, and opening from configuration.
 */
@Requires({ PostgresFixture.supported() })
class PostgresStoreSpec extends Specification {
    static final Instant T0 = Instant.parse('2026-12-01T10:00:00Z')

    @Shared
    @AutoCleanup
    PostgresFixture pg = PostgresFixture.start()

    @TempDir
    Path tmp

    List<JdbcStore> opened = []

    def cleanup() {
        opened*.close()
    }

    PostgresStore open(String url, int retention = 10) {
        def s = PostgresStore.open(PostgresUrl.parse(url), retention)
        opened << s
        s
    }

    static Instant at(long seconds) {
        T0.plusSeconds(seconds)
    }

    def "the schema from empty: every migration through Flyway, recorded in its history; reopening does nothing"() {
        given:
        def url = pg.createDatabase()

        when:
        def store = open(url)
        def history = StoreBackend.postgres(pg).sql(url,
                "SELECT version, description, success FROM flyway_schema_history ORDER BY installed_rank")
        def tables = StoreBackend.postgres(pg).sql(url,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")*.get(0)

        then:
        store.schemaVersion() == SqliteStore.MIGRATIONS*.version().max()
        history*.get(0) == SqliteStore.MIGRATIONS*.version()*.toString()
        history*.get(1) == SqliteStore.MIGRATIONS*.description()
        history.every { it[2] == true }
        tables.containsAll(['observations', 'tc_workers', 'github_heads', 'notes', 'rollouts', 'rollout_stages',
                            'rollout_hosts', 'rollout_events'])

        and: 'integers are 64-bit and ids are identity columns'
        StoreBackend.postgres(pg).sql(url, """SELECT data_type, is_identity FROM information_schema.columns
                WHERE table_name = 'observations' AND column_name IN ('id', 'ts_ms') ORDER BY column_name""") ==
                [['bigint', 'YES'], ['bigint', 'NO']]

        when: 'reopened: nothing to do'
        open(url).close()

        then:
        StoreBackend.postgres(pg).sql(url, 'SELECT COUNT(*) FROM flyway_schema_history')[0][0] == history.size()
    }

    def "a store whose schema is newer than this fleetroll is refused with one line"() {
        given:
        def url = pg.createDatabase()
        open(url).close()
        StoreBackend.postgres(pg).sql(url, """INSERT INTO flyway_schema_history (installed_rank, version, description, type,
                script, checksum, installed_by, execution_time, success) VALUES (999, '99', 'future', 'JDBC', 'future', 0,
                'someone', 0, true)""")

        when:
        open(url)

        then:
        def e = thrown(UserError)
        e.message == "the store ${PostgresUrl.parse(url).redacted()} has schema version 99, newer than this fleetroll knows (" +
                "${SqliteStore.MIGRATIONS*.version().max()}); upgrade fleetroll"
    }

    def "two connections writing at once lose nothing, and ids follow commit order"() {
        given:
        def url = pg.createDatabase()
        def one = open(url, 100_000)
        def two = open(url, 100_000)
        def go = new CountDownLatch(1)

        when:
        def threads = [one, two].withIndex().collect { s, w ->
            Thread.start {
                go.await()
                100.times { n ->
                    if (n % 10 == 0) {
                        s.saveAll((0..<5).collect { Observations.ok("h${w}".toString(), at(n * 10 + it)) })
                    } else {
                        s.save(Observations.ok("h${w}".toString(), at(n * 10)))
                    }
                    s.addNotes(["h${n % 3}".toString()], "w$w n$n".toString(), "w$w".toString(), at(n))
                }
            }
        }
        go.countDown()
        threads*.join()
        def all = one.changesSince(0)

        then:
        all.size() == 2 * (90 + 10 * 5)
        all*.id() == all*.id().sort()
        all*.id().toSet().size() == all.size()
        one.hosts() == ['h0', 'h1']
        one.notes().values()*.count().sum() == 200
        two.noteHistory('h0', 1000).size() == one.noteHistory('h0', 1000).size()
    }

    def "marks move when another connection commits, and stay put without a commit"() {
        given:
        def url = pg.createDatabase()
        def reader = open(url)
        def writer = open(url)
        def m0 = reader.marks()

        expect:
        reader.marks() == m0

        when:
        writer.save(Observations.ok('h1', at(0)))
        def m1 = reader.marks()

        then:
        m1.observations() > m0.observations()
        !m1.externalDiffers(m0)

        when:
        writer.addNotes(['h1'], 'disk', 'alice', at(1))
        def m2 = reader.marks()

        then:
        m2.notes() > m1.notes()
        m2.externalDiffers(m1)

        when: 'a write that commits nothing the marks count (another table) changes no mark'
        writer.inWriteTransaction { c -> c.createStatement().execute('CREATE TABLE scratch (x TEXT)') }

        then:
        reader.marks() == m2

        when: "the reader's own write"
        reader.saveBranchHeads([new dev.fleetroll.state.BranchHead('o/r:main', 'abc', at(2), null)])

        then:
        reader.marks().github() != m2.github()
    }

    def "the scanner lease: one holder per database; released or its process gone, another takes it"() {
        given:
        def url = pg.createDatabase()
        def a = open(url)
        def b = open(url)
        def elsewhere = open(pg.createDatabase())

        expect:
        a.scannerLease().tryAcquire()
        a.scannerLease().tryAcquire() // again: still ours
        a.scannerLease().held()
        !b.scannerLease().tryAcquire()
        !b.scannerLease().held()
        elsewhere.scannerLease().tryAcquire() // another database, another lease

        when:
        a.scannerLease().close()

        then:
        !a.scannerLease().held()
        b.scannerLease().tryAcquire()
        !a.scannerLease().tryAcquire()

        when: "the holder's store closes (as when its process ends): the server drops the lock with the session"
        b.close()

        then:
        a.scannerLease().tryAcquire()
    }

    def "vacuum reports the database's size before and after"() {
        given:
        def store = open(pg.createDatabase(), 1000)
        (0..<200).each { store.save(Observations.ok("h${it % 10}".toString(), at(it))) }
        store.pruneObservations(at(10_000), false)

        when:
        def c = store.compact()

        then:
        c.databaseBefore() > 0
        c.databaseAfter() > 0
        c.walBefore() == 0 && c.walAfter() == 0
        store.hosts().size() == 10
    }

    def "store.url in the configuration selects PostgreSQL; the password comes from store.password_file, never shown"() {
        given:
        def url = pg.createDatabase()
        def home = new FleetrollHome(tmp.resolve('home'))
        home.ensureExists()
        tmp.resolve('home/pg.pass').text = 'not-needed-by-trust-auth\n'

        when:
        def store = Stores.open(home, new FleetrollConfig.Store(10, 0, url, 'pg.pass'), [:])
        opened << store

        then:
        store instanceof PostgresStore
        (store as PostgresStore).url().password() == 'not-needed-by-trust-auth'
        !store.label().contains('not-needed')
        store.save(Observations.ok('h1', at(0))) > 0

        when: 'a password in the URL is not repeated by any message'
        Stores.open(home, new FleetrollConfig.Store(10, 0, "postgres://fleetroll:s3cret@127.0.0.1:1/nope", null), [:])

        then:
        def e = thrown(UserError)
        e.message.startsWith('cannot connect to the store postgres://fleetroll@127.0.0.1:1/nope: ')
        !e.message.contains('s3cret')

        when: 'no url: SQLite in FLEETROLL_HOME'
        def local = Stores.open(home, new FleetrollConfig.Store(10), [:])
        opened << local

        then:
        local instanceof SqliteStore
    }

    def "a malformed store.url is one line that says what to write"() {
        when:
        PostgresUrl.parse(url)

        then:
        def e = thrown(UserError)
        e.message.contains('postgres://USER@HOST:PORT/DATABASE')
        !e.message.contains('hunter2')

        where:
        url << ['postgres://127.0.0.1/db', 'postgres://u@127.0.0.1/', 'postgres://u:hunter2@127.0.0.1:5432/db?ssl=x',
                'mysql://u@h/db']
    }
}
