package dev.fleetroll.store

import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.HostNote
import dev.fleetroll.state.NoteEntry
import java.nio.file.Path
import java.sql.DriverManager
import java.time.Instant
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Specification
import spock.lang.TempDir

/**
 * Notes (schema 3) and maintenance (pruning by age, compaction) in a real SQLite store; {@link NotesStoreOnPostgresSpec}
 * runs the same features on PostgreSQL (but the SQLite-only ones).
 */
class NotesStoreSpec extends Specification {
    static final Instant T0 = Instant.parse('2026-12-01T10:00:00Z')

    @TempDir
    Path tmp

    @AutoCleanup
    JdbcStore store

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

    def "a note per host: the newest since the last clear, counted, with author and time; a clear starts over"() {
        given:
        open()

        when:
        store.addNotes(['h1', 'h2'], 'disk failing', 'alice', at(0))
        store.addNotes(['h1'], 'RELOPS-123 filed', 'bob', at(60))

        then:
        store.notes() == [h1: new HostNote('RELOPS-123 filed', 2, 'bob', at(60)), h2: new HostNote('disk failing', 1, 'alice', at(0))]

        when:
        def cleared = store.clearNotes(['h1', 'h3'], 'carol', 'disk replaced', at(120))

        then: 'only h1 had notes: one tombstone'
        cleared*.host() == ['h1']
        cleared[0].action() == NoteEntry.Action.CLEAR
        cleared[0].reason() == 'disk replaced'
        store.notes().keySet() == ['h2'] as Set

        when: 'a note after the clear counts from one'
        store.addNotes(['h1'], 'reimaged', 'alice', at(180))

        then:
        store.notes().h1 == new HostNote('reimaged', 1, 'alice', at(180))
        store.noteHistory('h1', 10).collect { [it.action().label(), it.text(), it.reason(), it.actor(), it.at()] } == [
                ['add', 'reimaged', null, 'alice', at(180)],
                ['clear', null, 'disk replaced', 'carol', at(120)],
                ['add', 'RELOPS-123 filed', null, 'bob', at(60)],
                ['add', 'disk failing', null, 'alice', at(0)]]
        store.noteHistory('h1', 2)*.text() == ['reimaged', null]
        store.noteHistory('nope', 10) == []
    }

    def "notes written in the same millisecond are all kept and counted, in the order they were written"() {
        given:
        open()

        when:
        store.addNotes(['h1'], 'first', 'alice', at(0, 5))
        store.addNotes(['h1'], 'second', 'bob', at(0, 5))
        store.addNotes(['h1'], 'third', 'carol', at(0, 5))

        then:
        store.notes().h1 == new HostNote('third', 3, 'carol', at(0, 5))
        store.noteHistory('h1', 10)*.text() == ['third', 'second', 'first']

        when: 'a clear in the same millisecond hides exactly the notes before it'
        store.clearNotes(['h1'], 'dave', null, at(0, 5))
        store.addNotes(['h1'], 'fourth', 'erin', at(0, 5))

        then:
        store.notes().h1 == new HostNote('fourth', 1, 'erin', at(0, 5))
    }

    def "two store connections writing notes at once lose none"() {
        given:
        open()
        def other = backend().open(place)

        when:
        def threads = [store, other].withIndex().collect { s, i ->
            Thread.start { 50.times { n -> s.addNotes(['h1'], "w$i n$n".toString(), "w$i".toString(), at(0)) } }
        }
        threads*.join()

        then:
        store.notes().h1.count() == 100
        store.noteHistory('h1', 1000).size() == 100

        cleanup:
        other?.close()
    }

    def "import skips entries already present, so importing a file twice adds nothing"() {
        given:
        open()
        def entries = [new NoteEntry(0, 'h1', at(0), 'alice', NoteEntry.Action.ADD, 'old note', null),
                       new NoteEntry(0, 'h1', at(10), 'bob', NoteEntry.Action.CLEAR, null, 'fixed'),
                       new NoteEntry(0, 'h2', at(20), 'bob', NoteEntry.Action.ADD, 'bad cartridge', null)]

        expect:
        store.importNotes(entries) == 3
        store.importNotes(entries) == 0
        store.notes() == [h2: new HostNote('bad cartridge', 1, 'bob', at(20))]
    }

    @Requires({ instance.backend().sqlite })
    def "a schema-2 store migrates to the current schema and keeps its observations, Taskcluster records and branch heads"() {
        given: 'a database made by the previous fleetroll (migrations 1 and 2 only)'
        Path db = tmp.resolve('home/fleetroll.db')
        def old = SqliteStore.open(db, 10, SqliteStore.MIGRATIONS.findAll { it.version() <= 2 })
        old.save(Observations.ok('h1', at(0)))
        old.saveBranchHeads([new dev.fleetroll.state.BranchHead('o/r:master', 'abc', at(0), null)])
        def v = old.userVersion()
        old.close()

        when:
        open()

        then:
        v == 2
        store.userVersion() == SqliteStore.MIGRATIONS*.version().max()
        store.latest('h1').get().ts() == at(0)
        store.branchHeads().keySet() == ['o/r:master'] as Set
        store.notes() == [:]

        when:
        store.addNotes(['h1'], 'migrated', 'alice', at(5))

        then:
        store.notes().h1.text() == 'migrated'
        DriverManager.getConnection("jdbc:sqlite:$db").withCloseable { c ->
            c.createStatement().executeQuery('PRAGMA index_list(notes)').with { rs -> rs.next() ? rs.getString('name') : null }
        } == 'notes_host_ts'
    }

    def "pruning by age keeps each host's newest observation, newest OK one and the first failure after it"() {
        given:
        open(100)
        long day = 86_400
        // h1: ok long ago, then failures (the first one old), still failing
        store.save(Observations.ok('h1', at(0)))
        store.save(Observations.ok('h1', at(1 * day)))
        store.save(Observations.failed('h1', at(2 * day)))
        store.save(Observations.failed('h1', at(3 * day)))
        store.save(Observations.failed('h1', at(40 * day)))
        // h2: healthy, audited every 10 days
        (0..4).each { store.save(Observations.ok('h2', at(it * 10 * day))) }
        // h3: never answered
        (0..2).each { store.save(Observations.failed('h3', at(it * day))) }
        def cutoff = at(35 * day)

        when:
        int wouldGo = store.pruneObservations(cutoff, true)

        then: 'a dry run only counts'
        wouldGo == 7
        store.history('h1', 100).size() == 5

        when:
        int gone = store.pruneObservations(cutoff, false)

        then:
        gone == 7
        store.history('h1', 100)*.ts() == [at(40 * day), at(2 * day), at(1 * day)]  // newest, first failure, last OK
        store.failingSince('h1').get() == at(2 * day)
        store.latestOk('h1').get().ts() == at(1 * day)
        store.history('h2', 100)*.ts() == [at(40 * day)]                             // newest (also newest OK)
        store.history('h3', 100)*.ts() == [at(2 * day), at(0)]                        // newest and down-since
        store.failingSince('h3').get() == at(0)
        store.history('h3', 100)*.outcome().every { it == Outcome.UNREACHABLE }

        expect: 'a second prune finds nothing'
        store.pruneObservations(cutoff, false) == 0
    }

    @Requires({ instance.backend().sqlite })
    def "compaction checkpoints the write-ahead log to zero and vacuums"() {
        given:
        open(1000)
        (0..<300).each { store.save(Observations.ok("h${it % 10}".toString(), at(it))) }
        store.pruneObservations(at(10_000), false)

        when:
        def c = store.compact()

        then:
        c.walBefore() > 0
        c.walAfter() == 0
        c.databaseAfter() > 0
        c.after() < c.before()
        store.hosts().size() == 10
    }
}
