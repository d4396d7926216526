package dev.fleetroll.console.cli

import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.state.TestObservations
import dev.fleetroll.store.SqliteStore
import groovy.json.JsonSlurper
import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock
import spock.lang.Specification
import spock.lang.TempDir

/** fleetroll note / note-clear / notes through the Cli class, with a real store and audit log in a temp home. */
class NoteCommandSpec extends Specification {
    @TempDir Path dir
    CliRunner alice
    CliRunner bob

    def setup() {
        def home = dir.resolve('home')
        SqliteStore.open(new FleetrollHome(home), new FleetrollConfig.Store(10)).withCloseable { s ->
            (1..3).each { s.save(TestObservations.ok("t-linux64-ms-00${it}.ex".toString())) }
        }
        alice = new CliRunner(home, null, [HOME: dir.toString(), USER: 'alice'])
        bob = new CliRunner(home, null, [HOME: dir.toString(), FLEETROLL_ACTOR: 'bob', USER: 'root'])
    }

    AuditLog log() {
        new AuditLog(dir.resolve('home/audit.jsonl'), 'x', Clock.systemUTC())
    }

    def "note, notes, note --clear: the note shows with author and time, history keeps the clears"() {
        when:
        def a = alice.run('note', 't-linux64-ms-[001-002].ex', 'disk failing')
        def b = bob.run('note-add', 't-linux64-ms-001.ex', 'RELOPS-123 filed')

        then:
        a.status == 0
        a.out == 'note added to 2 hosts: t-linux64-ms-[001-002].ex (by alice)\n'
        a.err == ''
        b.out == 'note added to 1 host: t-linux64-ms-001.ex (by bob)\n'

        when:
        def all = alice.run('notes')

        then:
        all.status == 0
        all.out.readLines().size() == 2
        all.out.readLines()[0] ==~ /t-linux64-ms-001\.ex  \(2\) RELOPS-123 filed  \(bob, \d+s ago\)/
        all.out.readLines()[1] ==~ /t-linux64-ms-002\.ex  disk failing  \(alice, \d+s ago\)/

        when:
        def c = bob.run('note', '--clear', 't-linux64-ms-001.ex', '--reason', 'disk replaced')
        def c2 = bob.run('note-clear', 't-linux64-ms-002.ex')
        def history = alice.run('show-notes', 't-linux64-ms-001.ex', '--all')
        def since = alice.run('notes', 't-linux64-ms-001.ex')

        then:
        c.out == 'notes cleared on 1 host: t-linux64-ms-001.ex (by bob)\n'
        c2.status == 0
        alice.run('notes').out == 'no host has a note (fleetroll note HOST \'text\' adds one)\n'
        history.out.readLines()[0] == 't-linux64-ms-001.ex  (no note)'
        history.out.readLines()[1] =~ /^  20\d\d-.*Z \(\d+s ago\)  alice: disk failing$/
        history.out.readLines()[2] =~ /  bob: RELOPS-123 filed$/
        history.out.readLines()[3] =~ /  bob cleared the notes: disk replaced$/
        since.out == 't-linux64-ms-001.ex  (no note)\n'

        and: 'every change is in the audit log, with its actor, and the chain verifies'
        def records = log().read(AuditLog.Filter.ALL).entries()*.record()
        records.collect { [it.action(), it.host(), it.actor(), it.outcome()] } == [
                ['host.note_add', 't-linux64-ms-001.ex', 'alice', 'changed'],
                ['host.note_add', 't-linux64-ms-002.ex', 'alice', 'changed'],
                ['host.note_add', 't-linux64-ms-001.ex', 'bob', 'changed'],
                ['host.note_clear', 't-linux64-ms-001.ex', 'bob', 'changed'],
                ['host.note_clear', 't-linux64-ms-002.ex', 'bob', 'changed']]
        alice.run('audit-log', 'verify').status == 0
    }

    def "notes --json: the current notes, and per host the note and its history"() {
        given:
        alice.run('note', 't-linux64-ms-001.ex', 'disk failing')

        when:
        def all = new JsonSlurper().parseText(alice.run('notes', '--json').out)
        def one = new JsonSlurper().parseText(alice.run('notes', 't-linux64-ms-00[1-2].ex', '--json').out)

        then:
        all.keySet() == ['t-linux64-ms-001.ex'] as Set
        all['t-linux64-ms-001.ex'].text == 'disk failing'
        all['t-linux64-ms-001.ex'].count == 1
        all['t-linux64-ms-001.ex'].author == 'alice'
        one['t-linux64-ms-001.ex'].history*.text == ['disk failing']
        one['t-linux64-ms-002.ex'].note == null
        one['t-linux64-ms-002.ex'].history == []
    }

    def "a host never audited gets the note with a warning naming it"() {
        when:
        def r = alice.run('note', 'new-host.ex', 'racked, waiting for a cable')

        then:
        r.status == 0
        r.err == 'fleetroll: warning: never audited (check the name): new-host.ex\n'
        alice.run('notes').out.startsWith('new-host.ex  racked, waiting for a cable')
    }

    def "bad input is one line, exit 2, and nothing is written: #why"() {
        when:
        def r = alice.run(args as String[])

        then:
        r.status == 2
        r.out == ''
        r.err.readLines().size() == 1
        r.err.contains(message)
        !Files.exists(dir.resolve('home/audit.jsonl'))

        where:
        why                   | args                                                   | message
        'no text'             | ['note', 't-linux64-ms-001.ex']                        | "give the hosts and the text"
        'unquoted text'       | ['note', 't-linux64-ms-001.ex', 'disk', 'failing']     | "quote the text"
        'empty text'          | ['note', 't-linux64-ms-001.ex', '  ']                  | "the note is empty"
        'too long'            | ['note', 't-linux64-ms-001.ex', 'x' * 501]             | "at most 500"
        'a newline'           | ['note', 't-linux64-ms-001.ex', "a\nb"]                | "control character (a newline)"
        'bad host name'       | ['note', 'bad_host.ex', 'text']                        | "bad host name 'bad_host.ex'"
        'unknown list'        | ['note', 'linux/nope', 'text']                         | "unknown host list 'linux/nope'"
        'reason without clear'| ['note', 't-linux64-ms-001.ex', 'x', '--reason', 'y']  | "--reason goes with --clear"
        'clear with text'     | ['note', '--clear', 't-linux64-ms-001.ex', 'x']        | "give the hosts as one argument"
        'bad limit'           | ['notes', 't-linux64-ms-001.ex', '--limit', '0']       | "--limit '0' must be a positive number"
    }

    def "notes --import reads a fleetroll_mvp notes.jsonl once; a bad line imports nothing"() {
        given:
        def file = dir.resolve('notes.jsonl')
        file.text = '''\
            {"action": "host.note_add", "actor": "jdoe", "host": "t-linux64-ms-001.ex", "note": "NVMe failures", "ts": "2026-03-01T10:00:00+00:00"}
            {"action": "host.note_clear", "actor": "jdoe", "host": "t-linux64-ms-001.ex", "ts": "2026-03-02T10:00:00+00:00", "reason": "replaced"}
            {"action": "host.note_add", "actor": "asmith", "host": "t-linux64-ms-002.ex", "note": "bad cartridge", "ts": "2026-03-03T10:00:00Z"}
            {"action": "host.note_add", "actor": "asmith", "host": "t-linux64-ms-002.ex", "note": "still bad", "ts": "2026-03-04T10:00:00"}
            '''.stripIndent()
        def bad = dir.resolve('bad.jsonl')
        bad.text = file.text + '{"action": "host.note_add", "host": "x.ex", "note": "no time"}\n'

        when:
        def refused = alice.run('notes', '--import', bad.toString())

        then:
        refused.status == 2
        refused.err.contains("bad.jsonl line 5: bad or missing ts 'null'")
        alice.run('notes').out.startsWith('no host has a note')

        when:
        def first = alice.run('notes', '--import', file.toString())
        def second = alice.run('notes', '--import', file.toString())
        def shown = alice.run('notes').out

        then:
        first.out == "notes: imported 4 of 4 entries from $file\n".toString()
        second.out == "notes: imported 0 of 4 entries from $file (4 already here)\n".toString()
        shown.readLines().size() == 1
        shown.startsWith('t-linux64-ms-002.ex  (2) still bad  (asmith, ')
        log().read(new AuditLog.Filter(null, 'host.note_import', null)).entries()*.record()*.observed() ==
                [[read: 4, added: 4], [read: 4, added: 0]]
    }

    def "--help explains the commands"() {
        expect:
        alice.run('note', '--help').out.contains("fleetroll note t-linux64-ms-016 'disk failing, RELOPS-123'")
        alice.run('notes', '--help').out.contains('aliases: show-notes')
        alice.run('--help').out.contains('note-clear')
    }
}
