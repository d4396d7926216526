package dev.fleetroll.store

import dev.fleetroll.UserError
import java.nio.file.Path
import java.sql.DriverManager
import java.time.Instant
import spock.lang.Specification
import spock.lang.TempDir

/**
 * Schema migrations through Flyway on SQLite, and the stores older fleetroll made with its own migrator (schema steps
 * run by hand, the version in {@code PRAGMA user_version}, no Flyway history): they are baselined at their version and
 * upgraded with their data intact.
 */
class SqliteMigrationSpec extends Specification {
    static final int CURRENT = SqliteStore.MIGRATIONS*.version().max()

    @TempDir
    Path tmp

    /** A store as the old migrator left it at {@code version}: the steps' SQL, then user_version, nothing else. */
    Path oldStore(int version) {
        Path db = tmp.resolve("old-${version}.db")
        DriverManager.getConnection("jdbc:sqlite:$db").withCloseable { c ->
            c.autoCommit = false
            c.createStatement().withCloseable { s ->
                SqliteStore.MIGRATIONS.findAll { it.version() <= version }.each { m -> m.statements().each { s.execute(it) } }
                s.execute("PRAGMA user_version = $version")
                s.execute("INSERT INTO observations (host, ts_ms, ok, outcome, data) VALUES ('h1', 1, 1, 'ok', '${json()}')")
            }
            c.commit()
        }
        db
    }

    static String json() {
        dev.fleetroll.store.ObservationJson.write(Observations.ok('h1', Instant.ofEpochMilli(1)))
    }

    static List<List<Object>> sql(Path db, String query) {
        DriverManager.getConnection("jdbc:sqlite:$db").withCloseable { c ->
            c.createStatement().withCloseable { s ->
                def rs = s.executeQuery(query)
                def rows = []
                while (rs.next()) {
                    rows << (1..rs.metaData.columnCount).collect { rs.getObject(it) }
                }
                rows
            }
        }
    }

    def "an old store at schema #version is baselined there and upgraded; its data stays"() {
        given:
        Path db = oldStore(version)
        def next = new SqliteStore.Migration(CURRENT + 1, 'a later step', ['CREATE TABLE later_step (x TEXT)'])

        when:
        def store = SqliteStore.open(db, 10, SqliteStore.MIGRATIONS + [next])

        then:
        store.userVersion() == CURRENT + 1
        store.latest('h1').get() == Observations.ok('h1', Instant.ofEpochMilli(1))
        def history = sql(db, 'SELECT version, type, success FROM flyway_schema_history ORDER BY installed_rank')
        history[0] == [version.toString(), 'BASELINE', 1]
        history.drop(1)*.get(0) == ((version + 1)..(CURRENT + 1))*.toString()
        sql(db, "SELECT name FROM sqlite_master WHERE name IN ('notes', 'rollouts', 'later_step') ORDER BY name")*.get(0) ==
                ['later_step', 'notes', 'rollouts']

        when: 'reopened: up to date, nothing runs'
        store.close()
        store = SqliteStore.open(db, 10, SqliteStore.MIGRATIONS + [next])

        then:
        sql(db, 'SELECT COUNT(*) FROM flyway_schema_history')[0][0] == history.size()

        cleanup:
        store?.close()

        where:
        version << (1..CURRENT)
    }

    def "an old store at the current schema opens without Flyway: no history table is made"() {
        given:
        Path db = oldStore(CURRENT)

        when:
        SqliteStore.open(db, 10, SqliteStore.MIGRATIONS).close()

        then:
        sql(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'flyway_schema_history'")[0][0] == 0
    }

    def "a new store: Flyway's history has every step, and user_version follows it"() {
        given:
        Path db = tmp.resolve('new.db')

        when:
        SqliteStore.open(db, 10, SqliteStore.MIGRATIONS).close()

        then:
        sql(db, 'PRAGMA user_version')[0][0] == CURRENT
        sql(db, 'SELECT version FROM flyway_schema_history ORDER BY installed_rank')*.get(0) ==
                SqliteStore.MIGRATIONS*.version()*.toString()
    }

    def "an old store newer than this fleetroll is still refused with one line"() {
        given:
        Path db = oldStore(CURRENT)
        DriverManager.getConnection("jdbc:sqlite:$db").withCloseable { it.createStatement().execute('PRAGMA user_version = 42') }

        when:
        SqliteStore.open(db, 10, SqliteStore.MIGRATIONS)

        then:
        def e = thrown(UserError)
        e.message == "the store $db has schema version 42, newer than this fleetroll knows ($CURRENT); upgrade fleetroll"
    }

    def "a statement for the other database is skipped; the PostgreSQL translation leaves SQLite's SQL alone"() {
        expect:
        Dialect.SQLITE.schema('-- postgresql\nCREATE INDEX x ON t (a)') == null
        Dialect.POSTGRESQL.schema('-- sqlite\nCREATE INDEX x ON t (a)') == null
        Dialect.SQLITE.schema('-- sqlite\nCREATE INDEX x ON t (a)') == '-- sqlite\nCREATE INDEX x ON t (a)'
        Dialect.SQLITE.schema('CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER)') ==
                'CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER)'
        Dialect.POSTGRESQL.schema('CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER NOT NULL, s TEXT)') ==
                'CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n BIGINT NOT NULL, s TEXT)'
    }
}
