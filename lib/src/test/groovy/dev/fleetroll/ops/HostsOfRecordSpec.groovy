package dev.fleetroll.ops

import dev.fleetroll.UserError
import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.inventory.Fact
import dev.fleetroll.inventory.Inventory
import dev.fleetroll.inventory.InventoryStore
import dev.fleetroll.store.SqliteStore
import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock
import java.time.Instant
import java.time.ZoneOffset
import spock.lang.AutoCleanup
import spock.lang.Specification
import spock.lang.TempDir

/** Hosts of record over a real store and audit log: import, add, set, remove, disable, enable, and bad input. */
class HostsOfRecordSpec extends Specification {
    static final Instant NOW = Instant.parse('2026-12-07T06:00:00Z')

    @TempDir
    Path tmp

    @AutoCleanup
    SqliteStore store

    AuditLog log
    InventoryStore inv
    HostsOfRecord hosts
    FleetrollHome home

    def setup() {
        home = new FleetrollHome(tmp.resolve('home'))
        store = SqliteStore.open(home, new FleetrollConfig.Store(10))
        log = new AuditLog(home.auditLog(), 'alice', Clock.fixed(NOW, ZoneOffset.UTC))
        inv = new InventoryStore(store)
        hosts = new HostsOfRecord(inv, log, Clock.fixed(NOW, ZoneOffset.UTC))
    }

    Path file(String name, String text) {
        def p = tmp.resolve(name)
        Files.writeString(p, text)
        p
    }

    List<String> actions() {
        log.read(AuditLog.Filter.ALL).entries()*.record()*.action()
    }

    def "import: host lists with facts per line, node sets and fqdn; sources recorded; importing again changes nothing"() {
        given:
        def talos = file('talos.list', '''\
            # fqdn: .test.releng.mdc1.mozilla.com
            t-linux64-ms-[001-003] pool=gecko-t-linux-talos-1804 dc=mdc1 os=linux role=gecko_t_linux_talos
            t-linux64-ms-004   # no facts
            '''.stripIndent())
        def csv = file('hw.csv', 'host,hw,dc\nt-linux64-ms-001.test.releng.mdc1.mozilla.com,moonshot-m710,mdc1\n')

        when:
        def r = hosts.importFiles([talos, csv])

        then:
        r.added().size() == 4
        r.updated().isEmpty()
        def all = hosts.list()
        all*.host() == (1..4).collect { "t-linux64-ms-00${it}.test.releng.mdc1.mozilla.com".toString() }
        all[0].fact(Fact.POOL) == 'gecko-t-linux-talos-1804'
        all[0].fact(Fact.HW) == 'moonshot-m710'
        all[0].facts()[Fact.POOL].source() == "import:${talos}:2".toString()
        all[0].facts()[Fact.HW].source() == "import:${csv}:2".toString()
        all[0].enabled()
        all[0].addedBy() == 'alice'
        all[3].facts().isEmpty()

        when: 'the same files again'
        def again = hosts.importFiles([talos, csv])

        then:
        again.added().isEmpty()
        again.updated().isEmpty()
        again.unchanged().size() == 4
        actions() == ['inventory.import', 'inventory.import']
        log.read(AuditLog.Filter.ALL).entries()*.record()*.outcome() == ['changed', 'unchanged']
    }

    def "add, set, disable, enable, remove: a round trip, each audit-logged with actor and reason, each idempotent"() {
        when:
        hosts.add('ms-1.ex', [pool: 'p1', dc: 'mdc1', role: 'r1', os: 'linux'])
        hosts.set('ms-1.ex', [dc: 'mdc2'])
        def first = hosts.disable('ms-1.ex', 'disk failing, RELOPS-1')
        def second = hosts.disable('ms-1.ex', 'another reason')
        def h = inv.get('ms-1.ex').get()

        then:
        first
        !second
        !h.enabled()
        h.disabledReason() == 'disk failing, RELOPS-1'
        h.disabledBy() == 'alice'
        h.disabledAt() == NOW
        h.fact(Fact.DC) == 'mdc2'
        h.facts()[Fact.DC].source() == 'command'

        when:
        def enabled = hosts.enable('ms-1.ex', null)
        def enabledAgain = hosts.enable('ms-1.ex', null)
        def removed = hosts.remove('ms-1.ex', 'decommissioned')
        def removedAgain = hosts.remove('ms-1.ex', 'decommissioned')

        then:
        enabled
        !enabledAgain
        removed
        !removedAgain
        inv.all().isEmpty()
        def records = log.read(AuditLog.Filter.ALL).entries()*.record()
        records*.action() == ['inventory.add', 'inventory.set', 'inventory.disable', 'inventory.disable',
                              'inventory.enable', 'inventory.enable', 'inventory.remove', 'inventory.remove']
        records*.outcome() == ['changed', 'changed', 'changed', 'unchanged', 'changed', 'unchanged', 'changed', 'unchanged']
        records.every { it.actor() == 'alice' }
        records[2].reason() == 'disk failing, RELOPS-1'
        records[6].reason() == 'decommissioned'
        records[6].observed().facts == [pool: 'p1', dc: 'mdc2', os: 'linux', role: 'r1']
    }

    def "bad input is one clear error and writes nothing: #what"() {
        given:
        hosts.add('dup.ex', [pool: 'p1'])
        def before = inv.all()
        def linesBefore = actions().size()

        when:
        action.call(this)

        then:
        def e = thrown(UserError)
        e.message.contains(message)
        !e.message.contains('\n')
        inv.all() == before
        actions().size() == linesBefore

        where:
        what                   | action                                                                    || message
        'duplicate host'       | { s -> s.hosts.add('DUP.ex', [:]) }                                       || 'host dup.ex is already in the inventory'
        'unknown key on add'   | { s -> s.hosts.add('new.ex', [dcc: 'mdc1']) }                             || "unknown inventory key 'dcc' (did you mean 'dc'?); known keys: pool, dc, os, hw, role, bmc"
        'bad value'            | { s -> s.hosts.add('new.ex', [pool: 'a b']) }                             || "pool: bad value 'a b'"
        'disable, no reason'   | { s -> s.hosts.disable('dup.ex', ' ') }                                   || 'inventory disable dup.ex: give a --reason'
        'disable unknown host' | { s -> s.hosts.disable('dupp.ex', 'x') }                                  || 'host dupp.ex is not in the inventory (did you mean dup.ex?)'
        'remove, no reason'    | { s -> s.hosts.remove('dup.ex', null) }                                   || 'the reason is empty'
        'bad host name'        | { s -> s.hosts.add('bad_host!', [:]) }                                    || "bad host name 'bad_host!'"
        'malformed list line'  | { s -> s.hosts.importFiles([s.file('ok.list', 'a.ex pool=p\nb.ex\n'), s.file('bad.list', 'c.ex pool=p\nd.ex pool\n')]) } || 'bad.list:2: \'pool\' is not KEY=VALUE'
        'unknown key in list'  | { s -> s.hosts.importFiles([s.file('k.list', 'a.ex\nb.ex datacenter=mdc1\n')]) } || "k.list:2: unknown inventory key 'datacenter'"
        'conflicting facts'    | { s -> s.hosts.importFiles([s.file('c1.list', 'a.ex pool=p1\n'), s.file('c2.list', '\na.ex pool=p2\n')]) } || 'c2.list:2: a.ex pool=p2 conflicts with pool=p1 at'
        'bad csv row'          | { s -> s.hosts.importFiles([s.file('x.csv', 'host,pool\na.ex,p\nb.ex\n')]) } || 'x.csv:3: 1 cells, the header has 2'
        'bad node set'         | { s -> s.hosts.importFiles([s.file('n.list', 'a.ex\nw[3-1] pool=p\n')]) } || 'n.list:2:'
    }

    def "population selectors resolve through the one resolver: enabled hosts of record, with nearest-value errors"() {
        given:
        hosts.importFiles([file('p.list', '''\
            a1.ex pool=gecko-t-linux-talos-1804 dc=mdc1 os=linux
            a2.ex pool=gecko-t-linux-talos-1804 dc=mdc2 os=linux
            a3.ex pool=gecko-t-osx-1400-r8 dc=mdc1 os=mac
            '''.stripIndent())])
        hosts.disable('a2.ex', 'broken')
        store.close()
        store = null
        def ws = Workspace.of(home, null, [HOME: tmp.toString(), USER: 'bob'])
        def resolver = new Inventory(ws)

        expect:
        resolver.resolve('pool:gecko-t-linux-talos-1804') == ['a1.ex']
        resolver.resolve('dc:mdc1') == ['a1.ex', 'a3.ex']
        resolver.resolve('dc:MDC1,pool:gecko-t-osx-1400-r8') == ['a1.ex', 'a3.ex']
        resolver.resolve('os:mac', 'a2.ex') == ['a2.ex', 'a3.ex']

        when:
        resolver.resolve(spec)

        then:
        def e = thrown(UserError)
        e.message.contains(message)

        where:
        spec                           || message
        'pool:gecko-t-linux-talos-184' || "no host of record has pool 'gecko-t-linux-talos-184' (did you mean 'pool:gecko-t-linux-talos-1804'?)"
        'dc:mdc3'                      || "(did you mean 'dc:mdc1'?); known: mdc1, mdc2"
        'dcc:mdc1'                     || "unknown population 'dcc' (did you mean 'dc'?); populations: pool, dc, os, hw, role"
        'bmc:1.2.3.4'                  || "'bmc' does not select hosts"
        'hw:x'                         || 'no host of record has a hw yet'
        'dc:'                          || 'empty dc'
    }
}
