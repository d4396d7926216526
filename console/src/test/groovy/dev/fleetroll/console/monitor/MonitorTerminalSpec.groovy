package dev.fleetroll.console.monitor

import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.console.testing.FleetrollProcess
import dev.fleetroll.console.testing.Tmux
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.Observation
import dev.fleetroll.store.SqliteStore
import java.time.Duration
import java.time.Instant
import spock.lang.IgnoreIf
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Timeout

import static dev.fleetroll.state.TestObservations.ok

/**
 * The live monitor in a real terminal: fleetroll as its own process in a private tmux server, keys sent with
 * send-keys, the screen read with capture-pane, the store written from this JVM (as another console or a cron gather
 * would). Every wait is for text to appear, never for a time to pass.
 */
@IgnoreIf({ !Tmux.available() })
@Timeout(300)
class MonitorTerminalSpec extends Specification {
    static final String TITLE = 'fleetroll '

    @Shared FleetrollProcess fr = new FleetrollProcess(fake: false)
    Tmux tmux = new Tmux()

    def setupSpec() {
        def now = Instant.now()
        store().withCloseable { s ->
            def obs = (1..40).collect { i ->
                ok(String.format('t-linux64-ms-%03d.ex', i), ts: now - Duration.ofMinutes(2),
                        role: i % 2 ? 'gecko_t_linux_talos' : 'gecko_t_linux_netperf', puppetAt: now - Duration.ofMinutes(20 + i))
            }
            obs << ok('macmini-r8-001.ex', ts: now - Duration.ofMinutes(2), os: 'Darwin', role: 'gecko_t_osx_1400_r8')
            obs << Observation.failed('t-linux64-ms-099.ex', now - Duration.ofMinutes(1), Outcome.UNREACHABLE, 'refused', null, 3L)
            s.saveAll(obs)
        }
        def filters = fr.project.resolve('configs/filters')
        java.nio.file.Files.createDirectories(filters)
        filters.resolve('talos-only.yaml').text = 'description: the talos hosts\nquery: role~talos\n'
        filters.resolve('netperf.yaml').text = 'query: role~netperf\n'
    }

    def cleanup() {
        tmux.close()
    }

    def cleanupSpec() {
        fr.cleanup()
    }

    private SqliteStore store() {
        SqliteStore.open(new FleetrollHome(fr.home), new FleetrollConfig.Store(10))
    }

    private String monitor(String name, String args = '', int width = 180, int height = 30) {
        tmux.start(name, "${fr.launcher} host-monitor ${args}".toString(), 'screen-256color', width, height)
        tmux.waitFor(name, 'rows 1-', 120)
        name
    }

    def "the live table: header counts, rows in host order, scrolling by row and page, q quits with status 0"() {
        given:
        def s = monitor('main')

        when:
        def screen = tmux.screen(s)

        then:
        screen.contains(TITLE)
        screen =~ /hosts 42\/42 · 1 unreachable/
        screen =~ /HOST.\s+OS\s+ROLE/
        screen.contains('fqdn=*.ex')
        screen =~ /macmini-r8-001\s+M\s+gecko_t_osx_1400_r8/
        screen.contains('rows 1-26 of 42')

        when: 'End jumps to the last page; PgUp goes back one page; Down moves one row'
        tmux.keys(s, 'End')
        screen = tmux.waitFor(s, 'rows 17-42 of 42')

        then:
        screen =~ /t-linux64-ms-099\s.*unreachable/

        when:
        tmux.keys(s, 'PPage')
        tmux.waitFor(s, 'rows 1-26 of 42')
        tmux.keys(s, 'Down')
        screen = tmux.waitFor(s, 'rows 2-27 of 42')

        then:
        !(screen =~ /macmini-r8-001\s/)

        when:
        tmux.type(s, 'q')

        then:
        tmux.waitForExit(s) == 0
    }

    def "/ filters with the query language; a bad column is named in red and the filter stays open; ↑ recalls history"() {
        given:
        def s = monitor('filter')

        when:
        tmux.type(s, '/')
        tmux.waitFor(s, 'Enter apply')
        tmux.type(s, 'role~netperf pp_last>35m')
        tmux.keys(s, 'Enter')
        def screen = tmux.waitFor(s, 'hosts 13/42')

        then: 'even hosts are netperf; ms-016 and up ran Puppet more than 35 minutes ago'
        screen.contains('/role~netperf pp_last>35m')
        screen =~ /t-linux64-ms-016\s/
        !(screen =~ /t-linux64-ms-014\s/)
        !(screen =~ /t-linux64-ms-017\s/)

        when: 'a typo'
        tmux.type(s, '/')
        tmux.keys(s, 'C-u')
        tmux.type(s, 'rol~talos')
        tmux.keys(s, 'Enter')
        screen = tmux.waitFor(s, "unknown column 'rol'")

        then:
        screen.contains("did you mean 'role'")
        screen.contains('hosts 13/42')

        when: 'Esc leaves the old filter in place; \\ clears it; / then ↑ brings back the last one'
        tmux.keys(s, 'Escape')
        tmux.waitFor(s, 'rows 1-13 of 13')
        tmux.type(s, '\\')
        tmux.waitFor(s, 'hosts 42/42')
        tmux.type(s, '/')
        tmux.keys(s, 'C-u')
        tmux.keys(s, 'Up')
        screen = tmux.waitFor(s, '↕role~netperf pp_last>35m')
        tmux.keys(s, 'Enter')

        then:
        tmux.waitFor(s, 'hosts 13/42')
    }

    def "s cycles the sort column and S reverses it; ? shows the keys and columns; f picks a recent filter"() {
        given:
        def s = monitor('keys', "--filter 'os=M|L sort:host'")

        when: 'the filter sorts, so s says how to change the order'
        tmux.type(s, 's')
        def screen = tmux.waitFor(s, 'the filter sorts')

        then:
        screen.contains('hosts 41/42')

        when:
        tmux.type(s, '\\')
        tmux.waitFor(s, 'hosts 42/42')
        tmux.type(s, 's')
        screen = tmux.waitFor(s, 'sort: role')

        then: 'netperf, talos, then osx; the unreachable host (no role) last'
        screen =~ /ROLE▲/
        tmux.rows(s).readLines().findAll { it =~ /^(t-linux64|macmini)\S*\s/ }[0].startsWith('t-linux64-ms-002 ')

        when:
        tmux.type(s, 'S')
        screen = tmux.waitFor(s, 'sort: role descending')

        then: 'osx first; hosts without a role stay last'
        tmux.rows(s).readLines().findAll { it =~ /^(t-linux64|macmini)\S*\s/ }[0].startsWith('macmini-r8-001 ')

        when:
        tmux.type(s, '?')
        screen = tmux.waitFor(s, 'Columns and filter keys')

        then:
        screen.contains('scroll the columns sideways')
        screen =~ /PP_MATCH\s+the last Puppet run succeeded and applied exactly PP_EXP/

        when: 'any key closes the help; f opens the picker on the saved filters; typing narrows them'
        tmux.type(s, 'x')
        tmux.waitFor(s, 'rows 1-')
        tmux.type(s, 'f')
        tmux.waitFor(s, 'Saved (2)')
        tmux.type(s, 'tal')
        screen = tmux.waitFor(s, 'search: tal')

        then:
        screen.contains('talos-only')
        screen.contains('the talos hosts')
        !screen.contains('role~netperf')

        when:
        tmux.keys(s, 'Enter')
        screen = tmux.waitFor(s, 'filter talos-only')

        then:
        screen.contains('hosts 20/42')

        when: 'the Recent tab holds the filters used before, newest first'
        tmux.type(s, 'f')
        tmux.waitFor(s, 'Saved (2)')
        tmux.keys(s, 'Right')
        tmux.waitFor(s, ~/Recent \(\d+\)/)
        tmux.keys(s, 'Down')
        tmux.waitFor(s, ~/▶ (?!role~talos)\S/) // the cursor left the first entry (a capture right after the key raced it)
        screen = tmux.rows(s)
        tmux.keys(s, 'Enter')

        then: 'the entry after the active one is the filter cleared earlier'
        screen.readLines().find { it.contains('▶') }.contains('os=M|L sort:host')
        tmux.waitFor(s, 'hosts 41/42')
    }

    def "a resize redraws at the new size: fewer rows and columns, the rest reachable by scrolling"() {
        given:
        def s = monitor('resize')

        when:
        tmux.resize(s, 90, 12)
        def screen = tmux.waitFor(s, 'rows 1-8 of 42')

        then:
        screen =~ /columns\s+2-\d+ of \d+ ▶/
        tmux.rows(s).readLines().every { it.length() <= 90 }

        when:
        tmux.keys(s, 'Right', 'Right', 'Right')
        screen = tmux.waitFor(s, 'columns ◀ 5-')

        then: 'HOST stays'
        screen =~ /HOST.\s+/
    }

    def "two monitors on one store both show a host's new audit as soon as it is stored"() {
        given:
        def a = monitor('pane-a', "--filter 'host~ms-007'")
        def b = monitor('pane-b', 't-linux64-ms-007.ex')

        expect:
        tmux.screen(a) =~ /t-linux64-ms-007\s+L\s+gecko_t_linux_talos/
        tmux.screen(b) =~ /t-linux64-ms-007\.ex\s+L\s+gecko_t_linux_talos/

        when: 'another process stores a new audit of ms-007 with a new role'
        store().withCloseable { it.save(ok('t-linux64-ms-007.ex', ts: Instant.now(), role: 'gecko_t_linux_2404_talos')) }

        then:
        tmux.waitFor(a, 'gecko_t_linux_2404_talos')
        tmux.waitFor(b, 'gecko_t_linux_2404_talos')

        when: 'an operator notes the host from a third console'
        def r = fr.run(['note', 't-linux64-ms-007.ex', 'fan noisy, DCOps ticket 4711'])

        then: 'both panes show the NOTE column with it, and the header counts it'
        r.status == 0
        tmux.waitFor(a, 'fan noisy, DCOps ticket 4711')
        tmux.waitFor(b, 'fan noisy, DCOps ticket 4711')
        tmux.screen(a).contains('1 noted')
    }
}
