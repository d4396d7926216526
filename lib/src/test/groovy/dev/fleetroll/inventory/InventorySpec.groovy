package dev.fleetroll.inventory

import dev.fleetroll.UserError
import dev.fleetroll.config.FleetrollConfig
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Path

class InventorySpec extends Specification {
    @TempDir
    Path tmp

    Inventory inventory(Map expansions = [:], String domain = null) {
        def home = tmp.resolve('home/host-lists')
        def project = tmp.resolve('project/configs/host-lists')
        home.toFile().mkdirs()
        project.resolve('linux').toFile().mkdirs()
        project.resolve('linux/1804.list').text = '# fqdn: .test.example\nt-linux64-ms-[001-003]\n'
        project.resolve('linux/2404.list').text = '# fqdn: .test.example\nt-linux64-ms-[003-004]\n'
        home.resolve('mine.list').text = 'w10.e.com\nw2.e.com\n'
        project.resolve('empty.list').text = '# nothing here\n'
        def rules = expansions.collectEntries { k, v -> [k, new FleetrollConfig.Expansion(v[0], v[1])] }
        new Inventory([home, project], new FleetrollConfig.Inventory([], rules, domain))
    }

    def "list names come from every directory, by relative path"() {
        expect:
        inventory().listNames() == ['empty', 'linux/1804', 'linux/2404', 'mine']
    }

    def "resolves lists, node sets and hosts into one naturally sorted, de-duplicated list"() {
        expect:
        inventory().resolve('linux/1804', 'linux/2404,mine', 'a.e.com') == [
                'a.e.com', 't-linux64-ms-001.test.example', 't-linux64-ms-002.test.example',
                't-linux64-ms-003.test.example', 't-linux64-ms-004.test.example', 'w2.e.com', 'w10.e.com']
    }

    def "a list file path is accepted"() {
        expect:
        inventory().resolve(tmp.resolve('project/configs/host-lists/linux/1804.list').toString()).size() == 3
    }

    def "short names expand by the first matching rule, then the default domain"() {
        given:
        def inv = inventory([moonshots: ['^ms-?(\\d+)$', 't-linux64-ms-$1']], 'test.releng.mdc1.mozilla.com')

        expect:
        inv.resolve('ms-238') == ['t-linux64-ms-238.test.releng.mdc1.mozilla.com']
        inv.resolve('ms238') == ['t-linux64-ms-238.test.releng.mdc1.mozilla.com']
        inv.resolve('other') == ['other.test.releng.mdc1.mozilla.com']
        inv.resolve('full.example.org') == ['full.example.org']
        inv.resolve('ms-[1-2]') == ['t-linux64-ms-1.test.releng.mdc1.mozilla.com', 't-linux64-ms-2.test.releng.mdc1.mozilla.com']
    }

    def "bad input: #specs"() {
        when:
        inventory().resolve(specs)

        then:
        def e = thrown(UserError)
        e.message.contains(fragment)

        where:
        specs              || fragment
        ['linux/1805']     || "unknown host list 'linux/1805' (did you mean the host list 'linux/1804'?)"
        ['empty']          || "host list 'empty' is empty"
        ['bad_host']       || "bad host name 'bad_host'"
        []                 || 'no hosts given'
        ['w[1-']           || "'[' without ']'"
    }
}
