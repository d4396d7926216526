package dev.fleetroll.ops

import dev.fleetroll.UserError
import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.state.Columns
import dev.fleetroll.state.Query
import dev.fleetroll.state.TestObservations
import dev.fleetroll.store.SqliteStore
import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock
import java.time.Instant
import java.time.ZoneOffset
import spock.lang.AutoCleanup
import spock.lang.Specification
import spock.lang.TempDir

/** The notes operation over a real store and audit log, and notes in host states through DefaultFleet. */
class NotesSpec extends Specification {
    static final Instant NOW = Instant.parse('2026-12-07T03:00:00.123Z')

    @TempDir
    Path tmp

    @AutoCleanup
    SqliteStore store

    AuditLog log
    Notes notes

    def setup() {
        def home = new FleetrollHome(tmp.resolve('home'))
        store = SqliteStore.open(home, new FleetrollConfig.Store(10))
        store.save(TestObservations.ok('h1.ex'))
        store.save(TestObservations.ok('h2.ex'))
        log = new AuditLog(home.auditLog(), 'alice', Clock.fixed(NOW, ZoneOffset.UTC))
        notes = new Notes(store, log, Clock.fixed(NOW, ZoneOffset.UTC))
    }

    def "add: stored with author and time, one audit record per host; hosts never audited are named"() {
        when:
        def c = notes.add(['h1.ex', 'h2.ex', 'new.ex'], '  disk failing, RELOPS-123 ')

        then:
        c.changed() == ['h1.ex', 'h2.ex', 'new.ex']
        c.neverSeen() == ['new.ex']
        c.text() == 'disk failing, RELOPS-123'
        c.actor() == 'alice'
        c.summary() == 'note added to 3 hosts'
        store.notes()['h1.ex'].text() == 'disk failing, RELOPS-123'
        store.notes()['h1.ex'].author() == 'alice'
        store.notes()['h1.ex'].at() == NOW

        def records = log.read(AuditLog.Filter.ALL).entries()*.record()
        records*.action() == ['host.note_add'] * 3
        records*.host() == ['h1.ex', 'h2.ex', 'new.ex']
        records*.outcome() == ['changed'] * 3
        records*.actor() == ['alice'] * 3
        records[0].parameters() == [note: 'disk failing, RELOPS-123']
        log.verify().ok()
    }

    def "adding the note a host already shows changes nothing; clearing a host without notes neither"() {
        given:
        notes.add(['h1.ex'], 'disk failing')

        when:
        def again = notes.add(['h1.ex', 'h2.ex'], 'disk failing')

        then:
        again.changed() == ['h2.ex']
        again.unchanged() == ['h1.ex']
        again.summary() == 'note added to 1 host (1 already had it)'
        store.notes()['h1.ex'].count() == 1

        when:
        def cleared = notes.clear(['h1.ex', 'h2.ex', 'new.ex'], 'disk replaced')

        then:
        cleared.changed() == ['h1.ex', 'h2.ex']
        cleared.unchanged() == ['new.ex']
        cleared.summary() == 'notes cleared on 2 hosts (1 had none)'
        store.notes() == [:]
        def clears = log.read(new AuditLog.Filter(null, 'host.note_clear', null)).entries()*.record()
        clears*.outcome() == ['changed', 'changed', 'unchanged']
        clears*.reason() == ['disk replaced'] * 3
        clears[0].observed() == [notes_cleared: 1, last_note: 'disk failing']
        log.verify().ok()
    }

    def "bad text is one clear error and nothing is written: #why"() {
        when:
        notes.add(['h1.ex'], text)

        then:
        def e = thrown(UserError)
        e.message.contains(message)
        store.notes() == [:]
        !Files.exists(log.file())

        where:
        why              | text                   | message
        'empty'          | '   '                  | 'the note is empty'
        'null'           | null                   | 'the note is empty'
        'too long'       | 'x' * 501              | 'is 501 characters long; at most 500'
        'newline'        | "one\ntwo"             | '(a newline) at position 4'
        'terminal escape'| "red \u001b[31m"       | '(an escape) at position 5'
        'tab'            | "a\tb"                 | 'a tab'
    }

    def "500 characters (counted as characters, not UTF-16 units) are fine"() {
        expect:
        notes.add(['h1.ex'], '🙂' * 500).changed() == ['h1.ex']
    }

    def "a bad reason is refused before anything is cleared"() {
        given:
        notes.add(['h1.ex'], 'x')

        when:
        notes.clear(['h1.ex'], "a\nb")

        then:
        thrown(UserError)
        store.notes().keySet() == ['h1.ex'] as Set
    }

    def "an audit log that cannot be written stops the note before the store is touched"() {
        given:
        Files.createDirectories(log.file()) // a directory where the log should be

        when:
        notes.add(['h1.ex'], 'disk failing')

        then:
        def e = thrown(UserError)
        e.message.contains('cannot append to the audit log')
        store.notes() == [:]
    }

    def "DefaultFleet: host states carry the note, the NOTE column shows (N) and the query language filters on it"() {
        given:
        store.close()
        store = null
        def ws = Workspace.of(new FleetrollHome(tmp.resolve('home')), null, [HOME: tmp.toString(), USER: 'bob'])
        def fleet = DefaultFleet.open(ws)
        def n = fleet.notes(AuditLog.of(ws.home(), 'bob'))

        when:
        n.add(['h1.ex'], 'disk failing')
        n.add(['h1.ex'], 'disk failing, RELOPS-123')
        def states = fleet.states(['h1.ex', 'h2.ex'], Instant.now())
        def column = Columns.standard().find('note').orElseThrow()

        then:
        states['h1.ex'].note().text() == 'disk failing, RELOPS-123'
        states['h1.ex'].note().count() == 2
        states['h1.ex'].note().author() == 'bob'
        states['h2.ex'].note() == null
        column.displayOf(states['h1.ex']) == '(2) disk failing, RELOPS-123'
        Query.parse('note~relops', Columns.standard()).apply(states.values() as List)*.name() == ['h1.ex']
        Query.parse('note=', Columns.standard()).apply(states.values() as List)*.name() == ['h2.ex']

        cleanup:
        fleet?.close()
    }
}
