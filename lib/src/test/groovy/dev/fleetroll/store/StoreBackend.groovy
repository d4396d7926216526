package dev.fleetroll.store

import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome

import java.nio.file.Path
import java.sql.Connection
import java.sql.DriverManager

/**
 * Where a store spec's stores live, so one spec runs on both databases: a base spec opens its stores through
 * {@link #open}, and a subclass for PostgreSQL overrides its {@code backend()} with {@link #postgres}. A "place" is
 * one store's location: a FLEETROLL_HOME directory for SQLite, a fresh database on the spec's
 * {@link PostgresFixture} for PostgreSQL; two stores opened on one place share their data.
 */
abstract class StoreBackend {
    static final StoreBackend SQLITE = new Sqlite()

    static StoreBackend postgres(PostgresFixture pg) {
        new Postgres(pg)
    }

    abstract Dialect dialect()

    /** A new, empty place under {@code tmp} (named {@code name} where names matter: SQLite's home directory). */
    abstract String newPlace(Path tmp, String name = 'home')

    abstract JdbcStore open(String place, int retention = 10, List<SqliteStore.Migration> migrations = SqliteStore.MIGRATIONS)

    /** A plain JDBC connection to the place's database (close it). */
    abstract Connection connect(String place)

    /** Rows of {@code query} on the place's database, each a list of column values. */
    List<List<Object>> sql(String place, String query) {
        connect(place).withCloseable { c ->
            c.createStatement().withCloseable { s ->
                def rows = []
                if (s.execute(query)) {
                    def rs = s.resultSet
                    int n = rs.metaData.columnCount
                    while (rs.next()) {
                        rows << (1..n).collect { rs.getObject(it) }
                    }
                }
                rows
            }
        }
    }

    boolean isSqlite() {
        dialect() == Dialect.SQLITE
    }

    @Override
    String toString() {
        dialect().name().toLowerCase()
    }

    private static final class Sqlite extends StoreBackend {
        Dialect dialect() { Dialect.SQLITE }

        String newPlace(Path tmp, String name = 'home') {
            tmp.resolve(name).toString()
        }

        JdbcStore open(String place, int retention = 10, List<SqliteStore.Migration> migrations = SqliteStore.MIGRATIONS) {
            migrations.is(SqliteStore.MIGRATIONS)
                    ? SqliteStore.open(new FleetrollHome(Path.of(place)), new FleetrollConfig.Store(retention))
                    : SqliteStore.open(new FleetrollHome(Path.of(place)).database(), retention, migrations)
        }

        Connection connect(String place) {
            DriverManager.getConnection('jdbc:sqlite:' + new FleetrollHome(Path.of(place)).database())
        }
    }

    private static final class Postgres extends StoreBackend {
        final PostgresFixture pg

        Postgres(PostgresFixture pg) {
            this.pg = pg
        }

        Dialect dialect() { Dialect.POSTGRESQL }

        String newPlace(Path tmp, String name = 'home') {
            pg.createDatabase()
        }

        JdbcStore open(String place, int retention = 10, List<SqliteStore.Migration> migrations = SqliteStore.MIGRATIONS) {
            PostgresStore.open(PostgresUrl.parse(place), retention, migrations)
        }

        Connection connect(String place) {
            pg.connect(PostgresUrl.parse(place).database())
        }
    }
}
