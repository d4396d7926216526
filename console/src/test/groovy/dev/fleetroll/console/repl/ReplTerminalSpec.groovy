package dev.fleetroll.console.repl

import dev.fleetroll.console.testing.FleetrollProcess
import dev.fleetroll.console.testing.Tmux
import spock.lang.IgnoreIf
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Timeout

/**
 * The console in a real terminal: tmux on a private socket, keys sent with send-keys, the screen read with
 * capture-pane. The fleet is a {@code FakeFleet} in the console process; the sandbox versions of these checks
 * live in the sandbox integration specs.
 */
@IgnoreIf({ !Tmux.available() })
@Timeout(300)
class ReplTerminalSpec extends Specification {
    static final String PROMPT = 'fleetroll> '

    @Shared
    FleetrollProcess fr = new FleetrollProcess()
            .hostList('web', ['web[1-3].ex'])
            .fakeHosts(['web1.ex': [role: 'r1'], 'web2.ex': [role: 'r2'], 'web3.ex': [behaviour: 'tarpit']])

    Tmux tmux = new Tmux()

    def cleanup() {
        tmux.close()
    }

    def cleanupSpec() {
        fr.cleanup()
    }

    private String console(String name = 'main', String term = 'screen-256color') {
        tmux.start(name, fr.launcher.toString(), term)
        tmux.waitFor(name, PROMPT, 120)
        name
    }

    /** Types a line, presses Enter and waits for the next prompt; returns the screen. */
    private String enter(String s, String line, int promptsBefore = -1) {
        int n = promptsBefore >= 0 ? promptsBefore : tmux.screen(s).count(PROMPT)
        tmux.type(s, line)
        tmux.keys(s, 'Enter')
        tmux.waitForCount(s, PROMPT, n + 1, 60)
    }

    def "multi-line input, variables with and without def, ! in a closure"() {
        given:
        def s = console()

        when:
        tmux.type(s, "def web = hosts('web')")
        tmux.keys(s, 'Enter')
        tmux.waitForCount(s, PROMPT, 2)
        tmux.type(s, 'web.where {')
        tmux.keys(s, 'Enter')
        tmux.waitFor(s, ' ... ')
        tmux.type(s, "  role == 'r2'")
        tmux.keys(s, 'Enter')
        tmux.type(s, '}.names()')
        tmux.keys(s, 'Enter')
        def screen = tmux.waitFor(s, '[web2.ex]')

        then: 'the statement ran once, across three lines'
        screen.contains('web.where {')

        when:
        screen = enter(s, 'web.where { !applied }.names()')

        then:
        screen.contains('[web3.ex]')

        when:
        enter(s, 'n = web.size()')
        screen = enter(s, 'n * 10 + web.take(1).size()')

        then:
        screen.contains('31')
    }

    def "_ holds the last non-null result; statements without a value and errors leave it alone"() {
        given:
        def s = console()

        when:
        enter(s, '21*2')
        def screen = enter(s, '_ + 1')

        then:
        screen.readLines().any { it.trim() == '43' }

        when: 'println returns null: _ is still 43'
        enter(s, "println 'no value'")
        screen = enter(s, '_ * 2')

        then:
        screen.readLines().any { it.trim() == '86' }

        when: 'a failed statement does not replace it either'
        enter(s, 'nosuchThing + 1')
        screen = enter(s, '_ - 6')

        then:
        screen.contains('error: ')
        screen.readLines().any { it.trim() == '80' }
    }

    def "an unclosed string continues on the next line: triple-quoted strings, and a quoted line ending in a backslash"() {
        given:
        def s = console()
        int prompts = tmux.screen(s).count(PROMPT)

        when: "a ''' string over three lines, with a lone quote inside it"
        tmux.type(s, "text = '''first")
        tmux.keys(s, 'Enter')
        tmux.waitFor(s, ' ... ')
        tmux.type(s, "second (it's inside)")
        tmux.keys(s, 'Enter')
        tmux.waitForCount(s, ' ... ', 2)
        tmux.type(s, "third''' + '!'")
        tmux.keys(s, 'Enter')
        def screen = tmux.waitForCount(s, PROMPT, prompts + 1)

        then: 'one statement, no error'
        !screen.contains('error:')

        when:
        screen = enter(s, 'text.readLines()')

        then:
        screen.contains("[first, second (it's inside), third!]")

        when: 'a GString in """ with an interpolation on the second line'
        prompts = tmux.screen(s).count(PROMPT)
        int dots = tmux.screen(s).count(' ... ')
        tmux.type(s, 'g = """a')
        tmux.keys(s, 'Enter')
        tmux.waitForCount(s, ' ... ', dots + 1)
        tmux.type(s, 'b=${20 + 22}"""')
        tmux.keys(s, 'Enter')
        tmux.waitForCount(s, PROMPT, prompts + 1)
        screen = enter(s, "g.replace('\\n', '|')")

        then:
        screen.readLines().any { it.trim() == 'a|b=42' }

        when: "a single-quoted string whose line ends in a backslash (Groovy's line continuation)"
        prompts = tmux.screen(s).count(PROMPT)
        dots = tmux.screen(s).count(' ... ')
        tmux.type(s, "joined = 'abc\\")
        tmux.keys(s, 'Enter')
        tmux.waitForCount(s, ' ... ', dots + 1)
        tmux.type(s, "def'")
        tmux.keys(s, 'Enter')
        tmux.waitForCount(s, PROMPT, prompts + 1)
        screen = enter(s, 'joined.size() + joined')

        then:
        !screen.contains('error:')
        screen.readLines().any { it.trim() == '6abcdef' }
    }

    def "TAB after hosts('web'). lists HostSet verbs with descriptions, and runs no verb"() {
        given:
        fr.home.resolve('fake-fleet.log').toFile().delete()
        def s = console()

        when:
        tmux.type(s, "hosts('web').")
        tmux.keys(s, 'Tab')
        // the list is drawn in order (audit ... waitFor ... where): wait for its last line asserted below, not its
        // first, or a loaded machine shows a list still being drawn
        def screen = tmux.waitFor(s, ~/audit\(\)[\s\S]*waitFor[\s\S]*where\s+\(hosts matching a closure/)

        then:
        screen =~ /audit\(\)\s+\(SSH audit of every host/
        screen =~ /where\s+\(hosts matching a closure/
        screen.contains('waitFor')

        when: 'completing a prefix inserts the verb'
        tmux.keys(s, 'C-u')
        tmux.type(s, "hosts('web').whe")
        tmux.keys(s, 'Tab')
        screen = tmux.waitFor(s, "hosts('web').where")

        and: 'inside where { } the HostState properties are offered'
        tmux.keys(s, 'C-u')
        tmux.type(s, "hosts('web').where { appl")
        tmux.keys(s, 'Tab')
        screen = tmux.waitFor(s, "where { applied")

        and: "host-list names inside hosts('"
        tmux.keys(s, 'C-u')
        tmux.type(s, "hosts('we")
        tmux.keys(s, 'Tab')
        screen = tmux.waitFor(s, "hosts('web")

        then: 'completion ran no verb: no audit, no exec'
        !fr.fleetLog().any { it.startsWith('audit') || it.startsWith('exec') }
    }

    def "Ctrl-C during an audit with a tarpit host returns the prompt, the host cancelled (not waited for), and the session still works"() {
        given:
        def s = console()
        int prompts = tmux.screen(s).count(PROMPT)

        when:
        tmux.type(s, "hosts('web').audit()")
        tmux.keys(s, 'Enter')
        tmux.waitFor(s, ~/audit: 2\/3 done/)
        long t0 = System.nanoTime()
        tmux.keys(s, 'C-c')
        def screen = tmux.waitForCount(s, PROMPT, prompts + 1, 60)
        double seconds = (System.nanoTime() - t0) / 1e9

        then: 'the tarpit host was cancelled by the key, not ended by a timeout; measured, not asserted: the time it took'
        screen =~ /cancelled \(audit: 3 hosts in \S+: 2 ok, 1 cancelled \(web3\.ex\)\)/
        println "Ctrl-C to prompt: ${seconds} s"

        when: 'the same session audits again'
        screen = enter(s, "hosts('web1.ex', 'web2.ex').audit().size()")

        then:
        screen.readLines().findAll { it.trim() == '2' }
    }

    def "errors are one line: syntax error with line and column, unknown verb with the nearest name; :trace shows the stack"() {
        given:
        def s = console()

        when:
        def screen = enter(s, "hosts('web').where { ) }")

        then:
        screen =~ /error: syntax error at line 1, column \d+: /

        when:
        screen = enter(s, "hots('web')")

        then:
        screen.contains("error: unknown verb 'hots' (did you mean 'hosts'?)")
        !screen.contains('\tat ')

        when:
        screen = enter(s, ':trace')

        then:
        screen.contains('MissingMethodException')
    }

    def "history is shared by two consoles in one tmux and nothing is lost"() {
        given:
        fr.home.resolve('history').toFile().delete()
        def a = console('a')
        def b = console('b')

        when:
        enter(a, 'fromA = 1')
        enter(b, 'fromB = 2')
        enter(a, 'alsoFromA = 3')
        enter(b, 'fromB + 1')
        tmux.keys(b, 'Up', 'Up')
        def screen = tmux.waitFor(b, PROMPT + 'alsoFromA = 3')

        then: 'B sees the line A typed after B started'
        screen

        when:
        tmux.keys(b, 'C-u')
        tmux.keys(b, 'C-d')
        tmux.keys(a, 'C-d')
        tmux.waitForExit(a)
        tmux.waitForExit(b)
        def lines = fr.home.resolve('history').readLines().collect { it.substring(it.indexOf(':') + 1) }

        then:
        lines.containsAll(['fromA = 1', 'fromB = 2', 'alsoFromA = 3', 'fromB + 1'])
    }

    def ":save writes the successful statements and fleetroll run re-runs them"() {
        given:
        def s = console()
        def saved = fr.dir.resolve('saved.groovy')

        when:
        enter(s, "def web = hosts('web')")
        enter(s, "web.where { ) }")     // a syntax error: not saved
        enter(s, "def good = web.where { applied && role }.names()")
        enter(s, 'println "good: ${good.join(\',\')}"')
        def screen = enter(s, ":save ${saved}")

        then:
        screen.contains('saved 3 statements')
        !saved.text.contains('where { )')

        when:
        def r = fr.run(['run', saved.toString()])

        then:
        r.status == 0
        r.out.trim() == 'good: web1.ex,web2.ex'
    }

    def "works under TERM=tmux-256color with two attached clients and after resizes"() {
        given:
        def s = console('main', 'tmux-256color')
        tmux.attachClient(s)
        tmux.attachClient(s)

        when: 'a resize redraws the screen at its own time, so the result is awaited, not the number of prompts'
        tmux.resize(s, 90, 30)
        tmux.type(s, "hosts('web').where { role == 'r1' }")
        tmux.keys(s, 'Enter')
        def screen = tmux.waitFor(s, ~/web1\.ex\s+L\s+r1[\s\S]*fleetroll> /, 60)

        then:
        screen =~ /web1\.ex\s+L\s+r1/

        when:
        tmux.resize(s, 160, 40)
        tmux.type(s, "hosts('web').ta")
        tmux.keys(s, 'Tab')
        screen = tmux.waitFor(s, "hosts('web').take")

        then:
        screen
    }

    def ":load keeps the file's variables; Ctrl-R finds an earlier line; :history lists lines"() {
        given:
        def f = fr.dir.resolve('lib.groovy')
        f.text = "def loaded = 7\ndef triple(x) { x * 3 }\n"
        def s = console()

        when:
        enter(s, ":load ${f}")
        def screen = enter(s, 'triple(loaded) * 2')

        then:
        screen.readLines().any { it.trim() == '42' }

        when:
        enter(s, 'uniqueToken = 5')
        enter(s, '1 + 1')
        tmux.keys(s, 'C-r')
        tmux.type(s, 'uniqueT')
        screen = tmux.waitFor(s, ~/i-search.*uniqueT/)
        tmux.keys(s, 'Enter')
        tmux.keys(s, 'Enter')
        screen = tmux.waitForCount(s, PROMPT, screen.count(PROMPT) + 1)

        then:
        screen.readLines().findAll { it.trim() == '5' }.size() >= 2

        when:
        screen = enter(s, ':history 3')

        then:
        screen =~ /\d+\s+uniqueToken = 5/
    }

    def ":help, :vars, :exit and Ctrl-D"() {
        given:
        def s = console()

        when:
        def screen = enter(s, ':help where')

        then:
        screen.contains("where { closure } | where('query')")

        when:
        enter(s, 'x = 42')
        screen = enter(s, ':vars')

        then:
        screen =~ /x\s+Integer\s+42/

        when:
        tmux.type(s, ':exit')
        tmux.keys(s, 'Enter')

        then:
        tmux.waitForExit(s) == 0

        when:
        def t = console('second')
        tmux.keys(t, 'C-d')

        then:
        tmux.waitForExit(t) == 0
    }
}
