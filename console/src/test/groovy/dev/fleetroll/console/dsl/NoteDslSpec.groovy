package dev.fleetroll.console.dsl

import dev.fleetroll.console.dsl.compile.DslCompiler;
import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.state.TestObservations
import dev.fleetroll.store.SqliteStore
import groovy.lang.Binding
import java.nio.file.Path
import java.time.Clock
import spock.lang.Specification
import spock.lang.TempDir

/** note() and clearNote() on a DSL session over the real engine (store and audit log in a temp home; no SSH). */
class NoteDslSpec extends Specification {
    @TempDir Path dir
    ByteArrayOutputStream out = new ByteArrayOutputStream()
    ByteArrayOutputStream err = new ByteArrayOutputStream()
    DslSession session

    def setup() {
        def home = new FleetrollHome(dir.resolve('home'))
        SqliteStore.open(home, new FleetrollConfig.Store(10)).withCloseable { s ->
            ['ms-1.ex', 'ms-2.ex'].each { s.save(TestObservations.ok(it)) }
        }
    }

    def cleanup() {
        session?.close()
    }

    DslSession session(boolean dryRun) {
        def ws = Workspace.of(new FleetrollHome(dir.resolve('home')), null, [HOME: dir.toString(), USER: 'carol'])
        session = DslSession.builder({ ws }).fleet(FleetFactory::openEngine).output(DslOutput.plain(out, err))
                .dryRun(dryRun).build()
        session
    }

    Object eval(String text) {
        def shell = DslCompiler.shell(DslCompiler.configuration(), new Binding())
        DslCompiler.parse(shell, text, "T${System.nanoTime()}", session).run()
    }

    def "note() leaves the note and returns the set with it; clearNote(reason:) clears it; both in the audit log"() {
        given:
        session(false)

        when:
        def set = eval("hosts('ms-[1-2].ex').note('disk failing')")

        then:
        set instanceof HostSet
        set.states()*.note*.text == ['disk failing', 'disk failing']
        set.states()[0].note.author() == 'carol'
        err.toString().contains('note: note added to 2 hosts (by carol)')
        eval("hosts('ms-[1-2].ex').where('note~disk').names()") == ['ms-1.ex', 'ms-2.ex']
        eval("hosts('ms-[1-2].ex').where { note?.count == 1 }.size()") == 2

        when:
        def cleared = eval("hosts('ms-1.ex').clearNote(reason: 'disk replaced')")

        then:
        cleared.states()[0].note == null
        eval("hosts('ms-[1-2].ex').where { note }.names()") == ['ms-2.ex']
        new AuditLog(dir.resolve('home/audit.jsonl'), 'x', Clock.systemUTC()).read(AuditLog.Filter.ALL).entries()*.record()
                .collect { [it.action(), it.host(), it.reason()] } == [
                ['host.note_add', 'ms-1.ex', null], ['host.note_add', 'ms-2.ex', null],
                ['host.note_clear', 'ms-1.ex', 'disk replaced']]
    }

    def "a dry run (fleetroll run without --confirm) only says what it would do"() {
        given:
        session(true)

        when:
        eval("hosts('ms-1.ex').note('disk failing')")

        then:
        err.toString().contains("note (dry run): would add the note 'disk failing' to 1 host: ms-1.ex")
        eval("hosts('ms-1.ex').where { note }.size()") == 0
    }

    def "bad text and unknown options are one clear error"() {
        given:
        session(false)

        when:
        eval(script)

        then:
        def e = thrown(dev.fleetroll.UserError)
        e.message.contains(message)

        where:
        script                                          | message
        "hosts('ms-1.ex').note('')"                     | 'the note is empty'
        "hosts('ms-1.ex').note('a\\nb')"                | 'control character (a newline)'
        "hosts('ms-1.ex').clearNote(reson: 'x')"        | "unknown option 'reson:' (did you mean 'reason:'?)"
    }

    def "fleetroll check accepts the note verbs and names a misspelt one"() {
        when:
        DslCompiler.shell(DslCompiler.check(), new Binding()).parse('''
            hosts('a').note('disk failing')
            hosts('a').clearNote(reason: 'fixed')
            hosts('a').clearNote()
            hosts('a').where { note?.count > 1 && note.text =~ /disk/ }.show()
            ''', 'ok.groovy')

        then:
        noExceptionThrown()

        when:
        DslCompiler.shell(DslCompiler.check(), new Binding()).parse("hosts('a').clearNotes()", 'bad.groovy')

        then:
        def e = thrown(org.codehaus.groovy.control.CompilationFailedException)
        DslErrors.compileErrors(e)*.format('s.groovy') == ["s.groovy:1:1: HostSet has no method 'clearNotes' (did you mean 'clearNote'?)"]
    }
}
