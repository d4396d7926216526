package dev.fleetroll.server

import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.Columns
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.time.Instant
import org.openqa.selenium.By
import org.openqa.selenium.Keys
import org.openqa.selenium.NoAlertPresentException
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise
import spock.lang.TempDir

import static dev.fleetroll.state.TestObservations.*

/**
 * The web UI in a real headless Chromium against a real server over a real SQLite store: load, filter (and its
 * errors), named filters, sort, a host page, a note added through the REST API (Hawk) appearing live without a
 * reload, and host data with markup shown as text. Screenshots go to target/screenshots/.
 */
@Stepwise
class ServerWebUiSpec extends Specification {
    static final String SCRIPT_NOTE = '<script>alert(1)</script>'
    static final String ODD_HOST = 'odd<i>host</i>'

    @Shared
    @TempDir
    Path tmp

    @Shared
    @AutoCleanup
    ServerFixture f

    @Shared
    @AutoCleanup
    WebBrowser b

    def setupSpec() {
        f = new ServerFixture(tmp)
        def filters = f.home.resolve('filters')
        Files.createDirectories(filters)
        filters.resolve('windows.yaml').text = 'query: role~win\ndescription: Windows testers\n'
        def now = Instant.now()
        f.fleet.store().saveAll([
                ok('web-1', role: 'gecko_t_linux', ts: now - Duration.ofMinutes(2)),
                ok('web-2', role: 'gecko_t_win', ts: now - Duration.ofMinutes(1)),
                ok(ODD_HOST, role: 'zz_role', ts: now - Duration.ofMinutes(1)),
                failed('db-1', Outcome.UNREACHABLE)])
        f.start()
        b = new WebBrowser(tmp)
    }

    def "the monitor page shows every host with the monitor's columns and tones"() {
        when:
        b.open(f.uri('/'))
        b.waitFor('table rendered') { b.rows().size() == 4 }

        then:
        b.rows() == ['db-1', ODD_HOST, 'web-1', 'web-2']
        b.js("return Array.from(document.querySelectorAll('#hosts thead th')).map(t => t.dataset.col)") ==
                Columns.standard().displayedFor(f.fleet.states(f.fleet.knownHosts(), Instant.now()).values())*.name()
        b.js("return document.querySelector('#hosts tr[data-host=\"db-1\"] td.tone-bad') !== null")
        b.js("return document.getElementById('summary').textContent").contains('4 of 4 hosts shown')

        and: 'a host name with markup is text, not markup'
        b.driver.findElements(By.cssSelector('#hosts i')).isEmpty()
        b.js("return document.querySelector('#hosts tbody tr:nth-child(2) td a').textContent") == ODD_HOST

        cleanup:
        b.screenshot('ui-load')
    }

    def "the filter box applies the shared query language and shows its errors"() {
        when:
        def box = b.driver.findElement(By.id('filter'))
        box.clear()
        box.sendKeys('role~linux|win sort:role:desc' + Keys.ENTER)

        then:
        b.waitFor('filtered rows') { b.rows() == ['web-2', 'web-1'] }
        b.driver.currentUrl.contains('filter=role')

        when:
        box.clear()
        box.sendKeys('nosuchcol=1' + Keys.ENTER)

        then:
        b.waitFor('the error shows') { b.js("return !document.getElementById('error').hidden") }
        b.js("return document.getElementById('error').textContent").contains('nosuchcol')
        b.screenshot('ui-filter-error')

        when: 'a named filter is picked'
        new org.openqa.selenium.support.ui.Select(b.driver.findElement(By.id('named'))).selectByVisibleText('windows')

        then:
        b.waitFor('named filter applied') { b.rows() == ['web-2'] }
        b.driver.findElement(By.id('filter')).getAttribute('value') == 'role~win'
        b.js("return document.getElementById('error').hidden")
    }

    def "clicking a header sorts by it, clicking again reverses"() {
        given:
        def box = b.driver.findElement(By.id('filter'))
        box.clear()
        box.sendKeys(Keys.ENTER)
        b.waitFor('all rows') { b.rows().size() == 4 }

        when:
        b.driver.findElement(By.cssSelector('#hosts th[data-col="role"] a')).click()

        then:
        b.waitFor('sorted by role') { b.js("return document.querySelector('#hosts th.sorted')?.dataset.col") == 'role' }
        b.rows().findAll { it.startsWith('web') || it == ODD_HOST } == ['web-1', 'web-2', ODD_HOST]

        when:
        b.driver.findElement(By.cssSelector('#hosts th[data-col="role"] a')).click()

        then:
        b.waitFor('sorted by role, descending') { b.js("return document.querySelector('#hosts th.sorted.desc')?.dataset.col") == 'role' }
        b.rows().findAll { it.startsWith('web') || it == ODD_HOST } == [ODD_HOST, 'web-2', 'web-1']
        b.screenshot('ui-sorted')
    }

    def "a host link opens its page with its observation history"() {
        when:
        b.driver.findElement(By.cssSelector('#hosts tr[data-host="web-1"] a')).click()
        b.waitFor('host page') { b.js("return document.body.dataset.page") == 'host' }

        then:
        b.js("return document.body.dataset.host") == 'web-1'
        b.js("return document.querySelectorAll('#history tbody tr').length") == 1
        b.js("return document.querySelector('#state td[data-col=\"role\"]').textContent") == 'gecko_t_linux'
        b.js("return document.querySelector('#notes li').textContent") == 'no notes'
    }

    def "a note added through the REST API appears live, as text"() {
        given: 'the page is connected to the event stream'
        b.waitFor('live') { b.js("return document.body.dataset.live") == 'connected' }
        b.js("window.__marker = 'not reloaded'")

        when:
        def r = f.act('ops/alice', '/api/v1/hosts/web-1/note', groovy.json.JsonOutput.toJson([text: SCRIPT_NOTE]))

        then:
        r.statusCode() == 200
        b.waitFor('the note shows') { b.js("return document.querySelector('#notes li .text')?.textContent") == SCRIPT_NOTE }
        b.js("return window.__marker") == 'not reloaded'
        b.js("return document.querySelector('#notes li .who').textContent") == 'ops/alice'
        b.driver.findElements(By.cssSelector('#notes script, #detail script')).isEmpty()
        noAlert()
        b.waitFor('audit entry shows') { b.js("return document.querySelector('#audit tbody tr td:nth-child(2)')?.textContent") == 'ops/alice' }
        b.screenshot('ui-host-live-note')

        when: 'the page is loaded afresh (server-rendered, not swapped in by script)'
        b.driver.navigate().refresh()
        b.waitFor('host page') { b.js("return document.body.dataset.page") == 'host' }

        then:
        b.js("return document.querySelector('#notes li .text').textContent") == SCRIPT_NOTE
        b.js("return document.querySelector('#state td[data-col=\"note\"]').textContent") == SCRIPT_NOTE
        b.driver.findElements(By.cssSelector('#detail script')).isEmpty()
        noAlert()
    }

    def "the monitor table updates live when a note is added"() {
        given:
        b.open(f.uri('/'))
        b.waitFor('live') { b.js("return document.body.dataset.live") == 'connected' && b.rows().size() == 4 }
        b.js("window.__marker = 'not reloaded'")

        when:
        f.act('ops/alice', '/api/v1/hosts/web-2/note', '{"text": "RELOPS-42 <b>reimage</b>"}')

        then:
        b.waitFor('the note cell shows') {
            b.js("return Array.from(document.querySelectorAll('#hosts tr[data-host=\"web-2\"] td')).map(t => t.textContent).includes('RELOPS-42 <b>reimage</b>')")
        }
        b.js("return window.__marker") == 'not reloaded'
        b.driver.findElements(By.cssSelector('#hosts b')).isEmpty()
        noAlert()
        b.screenshot('ui-live-note')
    }

    private void noAlert() {
        try {
            b.driver.switchTo().alert()
            assert false: 'an alert opened'
        } catch (NoAlertPresentException ignored) {
            // expected
        }
    }
}
