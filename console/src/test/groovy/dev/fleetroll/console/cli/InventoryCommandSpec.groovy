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

/** fleetroll inventory through the Cli class with a real store and audit log in a temp home (no SSH). */
class InventoryCommandSpec extends Specification {
    @TempDir Path dir
    CliRunner cli

    def setup() {
        cli = new CliRunner(dir.resolve('home'), null, [HOME: dir.toString(), FLEETROLL_ACTOR: 'dana', USER: 'root'])
        file('good.list', 'ms-5.ex pool=p1\n')
        file('bad.list', 'ms-6.ex\nms-7.ex\nms-8.ex pool\n')
    }

    Path file(String name, String text) {
        def p = dir.resolve(name)
        Files.writeString(p, text)
        p
    }

    List actions() {
        new AuditLog(dir.resolve('home/audit.jsonl'), 'x', Clock.systemUTC()).read(AuditLog.Filter.ALL).entries()*.record()*.action()
    }

    def "import, list, disable, export, select by population, remove: a round trip through the CLI"() {
        given:
        def list = file('talos.list', '# fqdn: .ex\nms-[1-3] pool=talos-1804 dc=mdc1 os=linux\nms-4 pool=osx dc=mdc2 os=mac\n')

        when:
        def imp = cli.run('inventory', 'import', list.toString())
        def again = cli.run('inventory', 'import', list.toString())

        then:
        imp.status == 0
        imp.out == 'inventory: 4 added, 0 updated, 0 unchanged\n'
        again.out == 'inventory: 0 added, 0 updated, 4 unchanged\n'

        when:
        def dis = cli.run('inventory', 'disable', 'ms-2.ex', '--reason', 'RELOPS-7 disk')
        def table = cli.run('inventory', 'list')
        def json = new JsonSlurper().parseText(cli.run('inventory', 'list', '--json').out)

        then:
        dis.out == 'ms-2.ex: disabled\n'
        table.out.readLines()[0] ==~ /HOST +ENABLED +POOL +DC +OS +HW +ROLE +PROBE +NOTE/
        table.out.readLines()[2] ==~ /ms-2\.ex +N +talos-1804 +mdc1 +linux +- +- +- +disabled by dana: RELOPS-7 disk/
        json*.host == ['ms-1.ex', 'ms-2.ex', 'ms-3.ex', 'ms-4.ex']
        json[1].enabled == false
        json[1].disabled_by == 'dana'
        json[0].facts == [pool: 'talos-1804', dc: 'mdc1', os: 'linux']
        json[0].sources.pool == "import:${list}:2".toString()

        when: 'population selectors go through the one resolver every command uses'
        def pool = cli.run('hosts', 'pool:talos-1804')
        def dc = cli.run('hosts', '--fold', 'dc:mdc1,dc:mdc2')
        def export = cli.run('inventory', 'export', 'dc:mdc1', '--format', 'list')
        def exportAll = cli.run('inventory', 'export', '--format', 'list')

        then:
        pool.out == 'ms-1.ex\nms-3.ex\n'
        dc.out == 'ms-[1,3-4].ex\n'
        export.out == '# exported by fleetroll inventory export: enabled hosts of record\nms-1.ex\nms-3.ex\n'
        exportAll.out.readLines().drop(1) == ['ms-1.ex', 'ms-3.ex', 'ms-4.ex']

        when: 'an exported list is a host list again'
        def exported = file('exported.list', exportAll.out)
        def back = cli.run('hosts', exported.toString())

        then:
        back.out == 'ms-1.ex\nms-3.ex\nms-4.ex\n'

        when:
        def en = cli.run('inventory', 'enable', 'ms-2.ex')
        def rm = cli.run('inventory', 'remove', 'ms-4.ex', '--reason', 'decommissioned')
        def rm2 = cli.run('inventory', 'remove', 'ms-4.ex', '--reason', 'decommissioned')

        then:
        en.out == 'ms-2.ex: enabled\n'
        rm.out == 'ms-4.ex: removed\n'
        rm2.out == 'ms-4.ex: unchanged (already not in the inventory)\n'
        cli.run('hosts', 'pool:talos-1804').out == 'ms-1.ex\nms-2.ex\nms-3.ex\n'
        actions() == ['inventory.import', 'inventory.import', 'inventory.disable', 'inventory.enable', 'inventory.remove',
                      'inventory.remove']
    }

    def "bad input: one line on stderr, exit 2, nothing written: #what"() {
        given:
        cli.run('inventory', 'add', 'ms-1.ex', '--pool', 'p1')
        def before = cli.run('inventory', 'list', '--json').out

        when:
        def r = cli.run(args.collect { it.replace('DIR', dir.toString()) } as String[])

        then:
        r.status == 2
        r.err.readLines().size() == 1
        r.err.contains(message)
        cli.run('inventory', 'list', '--json').out == before
        actions() == ['inventory.add']

        where:
        what                 | args                                                        || message
        'duplicate host'     | ['inventory', 'add', 'ms-1.ex']                             || 'host ms-1.ex is already in the inventory'
        'unknown key'        | ['inventory', 'add', 'ms-2.ex', 'dcc=mdc1']                 || "unknown inventory key 'dcc' (did you mean 'dc'?)"
        'disable, no reason' | ['inventory', 'disable', 'ms-1.ex']                         || 'give a --reason'
        'malformed list'     | ['inventory', 'import', 'DIR/good.list', 'DIR/bad.list']    || 'bad.list:3: '
        'unknown population' | ['hosts', 'dcc:mdc1']                                       || "unknown population 'dcc' (did you mean 'dc'?)"
        'unknown value'      | ['hosts', 'pool:p2']                                        || "no host of record has pool 'p2' (did you mean 'pool:p1'?)"
        'no subcommand'      | ['inventory', 'frob']                                       || 'inventory: give a subcommand'
        'bad export format'  | ['inventory', 'export', '--format', 'yaml']                 || "--format 'yaml' must be list or json"
    }

    def "every subcommand is explained by --help"() {
        when:
        def r = cli.run('inventory', '--help')

        then:
        r.status == 0
        InventoryCommand.SUBCOMMANDS.every { r.out.contains("  ${it} ") }
        r.out.contains('--reason')
        r.out.contains('pool:POOL')
    }
}
