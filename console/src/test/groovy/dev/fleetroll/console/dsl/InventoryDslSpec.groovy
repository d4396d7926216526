package dev.fleetroll.console.dsl

import dev.fleetroll.console.dsl.compile.DslCompiler;
import dev.fleetroll.UserError
import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.inventory.InventoryStore
import dev.fleetroll.ops.HostsOfRecord
import dev.fleetroll.state.TestObservations
import dev.fleetroll.store.SqliteStore
import groovy.lang.Binding
import java.nio.file.Path
import java.time.Clock
import spock.lang.Specification
import spock.lang.TempDir

/** Selection by population and the drift columns in the DSL, over the real engine (store in a temp home; no SSH). */
class InventoryDslSpec extends Specification {
    @TempDir Path dir
    ByteArrayOutputStream out = new ByteArrayOutputStream()
    ByteArrayOutputStream err = new ByteArrayOutputStream()
    DslSession session

    def setup() {
        def home = new FleetrollHome(dir.resolve('home'))
        SqliteStore.open(home, new FleetrollConfig.Store(10)).withCloseable { s ->
            def hosts = new HostsOfRecord(new InventoryStore(s), AuditLog.of(home, 'erin'), Clock.systemUTC())
            hosts.add('ms-1.ex', [pool: 'gecko-t-linux-talos-1804', dc: 'mdc1', role: 'gecko_t_linux'])
            hosts.add('ms-2.ex', [pool: 'gecko-t-linux-talos-1804', dc: 'mdc2', role: 'gecko_t_linux_talos'])
            hosts.add('ms-3.ex', [pool: 'gecko-t-osx-1400-r8', dc: 'mdc1'])
            s.save(TestObservations.ok('ms-1.ex'))
            s.save(TestObservations.ok('ms-2.ex'))
            s.save(TestObservations.ok('stray.ex'))
        }
        def ws = Workspace.of(home, Path.of(System.getProperty('user.dir')).resolve('..').normalize(), [HOME: dir.toString(), USER: 'erin'])
        session = DslSession.builder({ ws }).fleet(FleetFactory::openEngine).output(DslOutput.plain(out, err))
                .dryRun(true).build()
    }

    def cleanup() {
        session?.close()
    }

    Object eval(String text) {
        def shell = DslCompiler.shell(DslCompiler.configuration(), new Binding())
        DslCompiler.parse(shell, text, "T${System.nanoTime()}", session).run()
    }

    def "hosts('#spec') selects #expected"() {
        expect:
        eval("hosts('${spec}').names()") == expected

        where:
        spec                                  || expected
        'pool:gecko-t-linux-talos-1804'       || ['ms-1.ex', 'ms-2.ex']
        'dc:mdc1'                             || ['ms-1.ex', 'ms-3.ex']
        'dc:mdc2,pool:gecko-t-osx-1400-r8'    || ['ms-2.ex', 'ms-3.ex']
        'role:gecko_t_linux_talos'            || ['ms-2.ex']
    }

    def "populations mix with names, sets and the drift columns"() {
        expect:
        eval("(hosts('dc:mdc1') + hosts('stray.ex')).names()") == ['ms-1.ex', 'ms-3.ex', 'stray.ex']
        eval("hosts('pool:gecko-t-linux-talos-1804').where('role_drift=y').names()") == ['ms-2.ex']
        eval("inventory().names()") == ['ms-1.ex', 'ms-2.ex', 'ms-3.ex', 'stray.ex']
        eval("inventory().filter('never-audited').names()") == ['ms-3.ex']
        eval("inventory().where('unlisted=y').names()") == ['stray.ex']
        eval("inventory().where { inventory?.record?.fact(dev.fleetroll.inventory.Fact.DC) == 'mdc2' }.names()") == ['ms-2.ex']
    }

    def "an unknown population or value is one clear error"() {
        when:
        eval("hosts('${spec}')")

        then:
        def e = thrown(UserError)
        e.message.contains(message)

        where:
        spec          || message
        'dcc:mdc1'    || "unknown population 'dcc' (did you mean 'dc'?); populations: pool, dc, os, hw, role"
        'dc:mdc3'     || "no host of record has dc 'mdc3' (did you mean 'dc:mdc1'?); known: mdc1, mdc2"
    }
}
