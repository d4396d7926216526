package dev.fleetroll.store

import dev.fleetroll.testing.TestJvm
import dev.fleetroll.UserError
import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.AuditMemo
import dev.fleetroll.state.BranchHead
import dev.fleetroll.state.Observation
import dev.fleetroll.state.TaskclusterState
import java.nio.file.Files
import java.nio.file.Path
import java.sql.DriverManager
import java.time.Instant
import java.util.concurrent.TimeUnit
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Specification
import spock.lang.TempDir

/**
 * The store's contract, on SQLite; {@link StoreOnPostgresSpec} runs the same features on PostgreSQL (features marked
 * {@code @Requires({ instance.backend().sqlite })} are about SQLite's file, pragmas or processes and run here only).
 */
class SqliteStoreSpec extends Specification {
    static final Instant T0 = Instant.parse('2024-05-01T14:02:00Z')

    @TempDir
    Path tmp

    @AutoCleanup
    JdbcStore store

    /** Where this spec's stores live (a subclass runs the features on another database). */
    StoreBackend backend() {
        StoreBackend.SQLITE
    }

    String place

    JdbcStore open(int retention = 10) {
        place = place ?: backend().newPlace(tmp)
        store = backend().open(place, retention)
        store
    }

    static Instant at(long seconds, long millis = 0) {
        T0.plusSeconds(seconds).plusMillis(millis)
    }

    List<List<Object>> sql(String query) {
        backend().sql(place ?: backend().newPlace(tmp), query)
    }

    @Requires({ instance.backend().sqlite })
    def "a new store: FLEETROLL_HOME/fleetroll.db, WAL, schema migrated from empty"() {
        when:
        open()

        then:
        store.file() == tmp.resolve('home/fleetroll.db')
        store.userVersion() == 6
        sql('PRAGMA journal_mode') == [['wal']]
        sql("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'observations' ORDER BY name") ==
                [['observations_host_ok_ts'], ['observations_host_ts']]
        sql('PRAGMA table_info(observations)').collect { it[1] } == ['id', 'host', 'ts_ms', 'ok', 'outcome', 'data']
        sql('PRAGMA index_info(observations_host_ok_ts)').collect { it[2] } == ['host', 'ok', 'ts_ms']

        when: 'reopened: nothing to do'
        store.close()
        open()

        then:
        store.userVersion() == 6
    }

    def "Taskcluster records: one per host, replaced by each scan, absent ones too; hosts not scanned keep theirs"() {
        given:
        open()
        def t1 = Instant.parse('2026-12-01T10:00:00Z')
        def t2 = Instant.parse('2026-12-01T11:00:00Z')
        def present = new TaskclusterState(t1, 'releng-hardware/gecko-t-linux-talos-1804', true, 'mdc1', 'h1', 'running',
                t1.minusSeconds(86400), t1.minusSeconds(60), null, null, 'TASK1', 0, 'running', t1.minusSeconds(300), null, null)

        when:
        store.saveTaskcluster([h1: present, h2: TaskclusterState.absent(t1, 'releng-hardware/x', 'h2', null)])
        store.saveTaskcluster([h1: TaskclusterState.absent(t2, 'releng-hardware/gecko-t-linux-talos-1804', 'h1', null)])

        then:
        store.taskcluster().keySet() as List == ['h1', 'h2']
        !store.taskcluster().h1.present()
        store.taskcluster().h1.scannedAt() == t2
        store.taskcluster().h2.pool() == 'releng-hardware/x'

        when:
        store.saveTaskcluster([h2: present])

        then:
        store.taskcluster().h2 == present
    }

    def "branch heads: newest per owner/repo:branch, with the problem when there is no sha"() {
        given:
        open()
        def t = Instant.parse('2026-12-01T10:00:00Z')

        when:
        store.saveBranchHeads([new BranchHead('o/r:master', 'abc', t, null), new BranchHead('o/r:gone', null, t, 'no such branch')])
        store.saveBranchHeads([new BranchHead('o/r:master', 'def', t.plusSeconds(60), null)])

        then:
        store.branchHeads() == ['o/r:gone': new BranchHead('o/r:gone', null, t, 'no such branch'),
                                'o/r:master': new BranchHead('o/r:master', 'def', t.plusSeconds(60), null)]
    }

    @Requires({ instance.backend().sqlite })
    def "migrations run in order, once each, and a failing step leaves the schema as it was"() {
        given:
        Path db = tmp.resolve('m.db')
        def v1 = new SqliteStore.Migration(1, 'one', ['CREATE TABLE a (x INTEGER)'])
        def v2 = new SqliteStore.Migration(2, 'two', ['ALTER TABLE a ADD COLUMN y TEXT', 'INSERT INTO a VALUES (1, \'y\')'])
        def broken = new SqliteStore.Migration(3, 'broken', ['CREATE TABLE b (x)', 'THIS IS NOT SQL'])

        when:
        SqliteStore.open(db, 10, [v2, v1]).withCloseable { it.userVersion() }
        def s = SqliteStore.open(db, 10, [v1, v2])

        then:
        s.userVersion() == 2

        when:
        s.close()
        SqliteStore.open(db, 10, [v1, v2, broken])

        then:
        def e = thrown(UserError)
        e.message.contains('THIS IS NOT SQL') || e.message.contains('syntax error')
        SqliteStore.open(db, 10, [v1, v2]).withCloseable { it.userVersion() } == 2
        DriverManager.getConnection("jdbc:sqlite:$db").withCloseable { c ->
            c.metaData.getTables(null, null, 'b', null).next()
        } == false
    }

    @Requires({ instance.backend().sqlite })
    def "a store from a newer fleetroll is refused with one line"() {
        given:
        Path db = tmp.resolve('new.db')
        SqliteStore.open(db, 10, [new SqliteStore.Migration(7, 'future', ['CREATE TABLE z (x)'])]).close()

        when:
        SqliteStore.open(db, 10, SqliteStore.MIGRATIONS)

        then:
        def e = thrown(UserError)
        e.message.contains('schema version 7') && e.message.contains('upgrade fleetroll')
    }

    def "retention must be positive"() {
        when:
        open(0)

        then:
        thrown(UserError)
    }

    def "an observation round-trips through JSON exactly; the row has key columns, schema and millisecond times"() {
        given:
        open()
        def o = Observations.ok('h1', at(3, 120))
        def f = Observations.failed('h1', at(4, 7))

        when:
        def id1 = store.save(o)
        def id2 = store.save(f)

        then:
        id2 > id1
        store.history('h1', 10) == [f, o]
        def rows = sql('SELECT host, ts_ms, ok, outcome, data FROM observations ORDER BY id')
        rows[0][0..3] == ['h1', at(3, 120).toEpochMilli(), 1, 'ok']
        rows[1][0..3] == ['h1', at(4, 7).toEpochMilli(), 0, 'unreachable']
        rows[0][4].startsWith('{"schema":1,')
        rows[0][4].contains('"ts":"2024-05-01T14:02:03.120Z"')
        rows[1][4].contains('"ts":"2024-05-01T14:02:04.007Z"')
        rows[0][4].contains('"mtime":"2024-05-01T12:00:00.000Z"')
        rows[1][4].contains('"outcome":"unreachable"')
        rows[1][4].contains('"error":"connection refused"')
    }

    def "the audit memo round-trips; rows stored before there was one load with none"() {
        given:
        open()
        def memo = new AuditMemo(AuditMemo.VERSION, 'ab' * 16, 1_714_600_000L, '644 root root 120 1714564800 1001 1714564805',
                null, '/etc/puppet/last_run_metadata.json', '644 root root 300 1714564700 1003 1714564700')
        def o = Observations.ok('h1', at(1)).withWarnings([], memo)
        store.save(o)
        store.save(Observations.ok('h2', at(1)))
        sql(backend().sqlite ? "UPDATE observations SET data = json_remove(data, '\$.memo') WHERE host = 'h2'"
                : "UPDATE observations SET data = (data::jsonb - 'memo')::text WHERE host = 'h2'")

        expect:
        store.latest('h1').get() == o
        store.latest('h1').get().memo() == memo
        store.latest('h2').get() == Observations.ok('h2', at(1))
        store.latest('h2').get().memo() == null
    }

    def "unknown JSON fields (from a newer writer) are ignored on read"() {
        given:
        open()
        store.save(Observations.ok('h1', at(0)))
        sql(backend().sqlite ? '''UPDATE observations SET data = json_set(data, '$.future', 'x', '$.schema', 2)'''
                : '''UPDATE observations SET data = (data::jsonb || '{"future": "x", "schema": 2}'::jsonb)::text''')

        expect:
        store.latest('h1').get() == Observations.ok('h1', at(0))
    }

    def "a row that no longer parses is skipped: the rest of the fleet still reads"() {
        given:
        open()
        store.save(Observations.ok('h1', at(0)))
        store.save(Observations.ok('h2', at(0)))
        sql("UPDATE observations SET data = '{not json' WHERE host = 'h2'")

        expect:
        store.latestByHost().keySet() == ['h1'] as Set
        store.latestOkByHost().keySet() == ['h1'] as Set
        store.latest('h2').isEmpty()
    }

    def "millisecond timestamps: two audits in the same second are both kept, in order"() {
        given:
        open()

        when:
        store.save(Observations.ok('h1', at(0, 900), 'later'))
        store.save(Observations.ok('h1', at(0, 100), 'earlier'))
        store.save(Observations.ok('h2', at(0, 5), 'first'))
        store.save(Observations.ok('h2', at(0, 5), 'same ms, saved later'))

        then:
        store.history('h1', 10)*.role() == ['later', 'earlier']
        store.latest('h1').get().role() == 'later'
        store.history('h2', 10)*.role() == ['same ms, saved later', 'first']
    }

    def "failed and unreachable audits are stored with outcome, error and time"() {
        given:
        open()

        when:
        store.saveAll([
                Observations.ok('h1', at(0)),
                Observations.failed('h1', at(60), Outcome.FAILED, 'sudo: a password is required'),
                Observations.failed('h2', at(61), Outcome.HOST_KEY_MISMATCH, 'host key changed'),
        ])

        then:
        with(store.latest('h1').get()) {
            outcome() == Outcome.FAILED
            error() == 'sudo: a password is required'
            ts() == at(60)
            !ok()
        }
        store.latestOk('h1').get().ts() == at(0)
        store.latest('h2').get().outcome() == Outcome.HOST_KEY_MISMATCH
        store.latestOk('h2').isEmpty()
        store.latest('nope').isEmpty()
    }

    def "retention keeps the newest N, the newest OK one, and the first failure after it"() {
        given:
        open(3)

        when: 'ok at 0 and 10, then six failures'
        store.save(Observations.ok('h1', at(0)))
        store.save(Observations.ok('h1', at(10)))
        (1..6).each { store.save(Observations.failed('h1', at(10 + it * 60))) }
        store.save(Observations.ok('other', at(0)))

        then:
        store.history('h1', 100)*.ts() == [at(370), at(310), at(250), at(70), at(10)]
        store.history('other', 100).size() == 1
        store.failingSince('h1').get() == at(70)

        when: 'the host comes back: newest 3 only (the newest OK is among them)'
        store.save(Observations.ok('h1', at(400)))

        then:
        store.history('h1', 100)*.ts() == [at(400), at(370), at(310)]
        store.failingSince('h1').isEmpty()
    }

    def "retention for a host that never answered keeps its first failure: down since the first attempt"() {
        given:
        open(2)

        when:
        (0..5).each { store.save(Observations.failed('h1', at(it * 60))) }

        then:
        store.history('h1', 100)*.ts() == [at(300), at(240), at(0)]
        store.failingSince('h1').get() == at(0)
    }

    def "saveAll is one transaction: a bad observation saves none of the batch"() {
        given:
        open()

        when:
        store.saveAll([Observations.ok('h1', at(0)), Observations.ok(null, at(1))])

        then:
        thrown(StoreException)
        store.hosts().isEmpty()
        store.lastId() == 0
    }

    def "per-host queries and natural host order"() {
        given:
        open()
        store.saveAll([
                Observations.ok('ms-10', at(0)),
                Observations.failed('ms-10', at(5)),
                Observations.ok('ms-2', at(1)),
                Observations.ok('ms-2', at(2), 'newer'),
                Observations.failed('ms-1', at(3)),
        ])

        expect:
        store.hosts() == ['ms-1', 'ms-2', 'ms-10']
        store.latestByHost().keySet() as List == ['ms-1', 'ms-2', 'ms-10']
        store.latestByHost()['ms-2'].role() == 'newer'
        store.latestByHost()['ms-10'].outcome() == Outcome.UNREACHABLE
        store.latestOkByHost().keySet() as List == ['ms-2', 'ms-10']
        store.latestOkByHost()['ms-10'].ts() == at(0)
        store.history('ms-2', 1)*.role() == ['newer']
        store.history('ms-2', 0).isEmpty()

        and: 'status: down since'
        def status = store.statusByHost()
        status.keySet() as List == ['ms-1', 'ms-2', 'ms-10']
        status['ms-1'].failingSince() == at(3)
        status['ms-1'].latestOk() == null
        status['ms-2'].failingSince() == null
        !status['ms-2'].failing()
        status['ms-10'].failingSince() == at(5)
        status['ms-10'].latestOk().ts() == at(0)
        status['ms-10'].latest().ts() == at(5)
    }

    def "changesSince follows new rows by id, which never go back even after retention deleted the newest id"() {
        given:
        open(1)

        when:
        def a = store.save(Observations.ok('h1', at(100)))
        def b = store.save(Observations.ok('h1', at(50))) // older audit saved later: retention deletes it at once
        def mark = store.lastId()
        def c = store.save(Observations.ok('h2', at(0)))

        then:
        b > a
        mark == a // b is gone
        c > b
        store.changesSince(0)*.id() == [a, c]
        store.changesSince(a)*.id() == [c]
        store.changesSince(c).isEmpty()
        store.changesSince(0)*.observation()*.host() == ['h1', 'h2']
    }

    def "two stores on one file in one process see each other's writes"() {
        given:
        open()
        def other = backend().open(place)

        when:
        other.save(Observations.ok('h1', at(0)))

        then:
        store.latest('h1').isPresent()

        cleanup:
        other?.close()
    }

    @Requires({ instance.backend().sqlite })
    def "4 writer processes and a reader at once: no 'database is locked', every row kept"() {
        given:
        Path db = tmp.resolve('shared/fleetroll.db')
        Files.createDirectories(db.parent)
        Path stop = tmp.resolve('stop')
        int writers = 4
        int perWriter = 300
        int hosts = 10

        when:
        def reader = java('read', db.toString(), stop.toString())
        def procs = (0..<writers).collect { w ->
            // writer 0 saves one at a time, the others in batches of 10, 25 and 7
            java('write', db.toString(), '100000', "$w", "$perWriter", "${[1, 10, 25, 7][w]}", "$hosts")
        }
        def results = procs.collect { finish(it) }
        Files.createFile(stop)
        def readResult = finish(reader)

        then:
        results.every { it.exit == 0 }
        results*.out*.trim() == (0..<writers).collect { "WROTE $it $perWriter".toString() }
        readResult.exit == 0
        readResult.out.startsWith('READ ')
        (results + readResult).every { !(it.out + it.err).contains('database is locked') && !(it.out + it.err).contains('SQLITE_BUSY') }

        and: 'every observation is there exactly once'
        def s = SqliteStore.open(db, 100000, SqliteStore.MIGRATIONS)
        def all = s.changesSince(0)*.observation()
        all.size() == writers * perWriter
        all.collect { it.elapsedMs() }.toSet() == (0..<writers).collectMany { w -> (0..<perWriter).collect { w * 1_000_000L + it } }.toSet()
        s.hosts().size() == hosts
        hosts.times { h -> assert s.history("h$h", 100000).size() == writers * perWriter / hosts }

        cleanup:
        s?.close()
        procs?.each { it.destroyForcibly() }
        reader?.destroyForcibly()
    }

    @Requires({ instance.backend().sqlite })
    def "4 writer processes with retention 5: each host keeps exactly its newest rows"() {
        given:
        Path db = tmp.resolve('shared5/fleetroll.db')
        Files.createDirectories(db.parent)

        when:
        def procs = (0..<4).collect { w -> java('write', db.toString(), '5', "$w", '200', '10', '4') }
        def results = procs.collect { finish(it) }

        then:
        results.every { it.exit == 0 && !it.err.contains('database is locked') }

        and: 'newest 5 per host, plus the newest OK and the first failure after it when older'
        def s = SqliteStore.open(db, 5, SqliteStore.MIGRATIONS)
        s.hosts() == ['h0', 'h1', 'h2', 'h3']
        s.hosts().every { h ->
            def kept = s.history(h, 1000)
            def newest = kept.take(5)
            kept.size() >= 5 && kept.size() <= 7 && kept.drop(5).every { !newest.any { n -> n.ok() } || !it.ok() } &&
                    (kept.any { it.ok() })
        }

        cleanup:
        s?.close()
        procs?.each { it.destroyForcibly() }
    }

    static Process java(String... args) {
        new ProcessBuilder(TestJvm.command(ConcurrentStoreMain, args)).start()
    }

    static Map finish(Process p) {
        String out = null
        String err = null
        def pumps = [Thread.start { out = p.inputStream.getText('UTF-8') }, Thread.start { err = p.errorStream.getText('UTF-8') }]
        assert p.waitFor(180, TimeUnit.SECONDS): 'process did not finish'
        pumps*.join()
        [exit: p.exitValue(), out: out, err: err]
    }
}
