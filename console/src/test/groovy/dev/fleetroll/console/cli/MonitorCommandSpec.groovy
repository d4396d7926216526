package dev.fleetroll.console.cli

import com.fasterxml.jackson.databind.ObjectMapper
import com.networknt.schema.JsonSchemaFactory
import com.networknt.schema.SpecVersion
import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.Observation
import dev.fleetroll.store.SqliteStore
import groovy.json.JsonSlurper
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.time.Instant
import spock.lang.Specification
import spock.lang.TempDir

import static dev.fleetroll.state.TestObservations.ok

/**
 * {@code host-monitor} without a terminal (--once, --json, --hostname-only) through the Cli class over a real store:
 * what it prints, filters, sorts, and its exit status. The live terminal monitor is {@code MonitorTerminalSpec}.
 */
class MonitorCommandSpec extends Specification {
    static final Path SCHEMA = Path.of('..', 'docs', 'monitor.schema.json')

    @TempDir Path dir
    CliRunner cli
    Path project

    def setup() {
        project = dir.resolve('project')
        Files.createDirectories(project.resolve('configs/host-lists'))
        project.resolve('configs/host-lists/talos.list').text = 'ms-001.ex\nms-002.ex\nms-009.ex\n'
        cli = new CliRunner(dir.resolve('home'), project, [HOME: dir.toString(), USER: 'operator'])
        def now = Instant.now()
        SqliteStore.open(new FleetrollHome(dir.resolve('home')), new FleetrollConfig.Store(10)).withCloseable { store ->
            store.saveAll([
                    ok('ms-001.ex', ts: now - Duration.ofMinutes(2), role: 'gecko_t_linux_talos', puppetAt: now - Duration.ofMinutes(30)),
                    ok('ms-002.ex', ts: now - Duration.ofMinutes(2), role: 'gecko_t_linux_talos', success: false, exitCode: 6,
                            puppetAt: now - Duration.ofHours(25)),
                    ok('mac-001.ex', ts: now - Duration.ofMinutes(3), os: 'Darwin', role: 'gecko_t_osx_1400_r8', override: null,
                            puppetAt: now - Duration.ofHours(2)),
                    Observation.failed('ms-003.ex', now - Duration.ofMinutes(1), Outcome.UNREACHABLE, 'connection refused', null, 3L),
            ])
        }
    }

    def "--once: the table of every stored host, in host order, with the monitor's columns; exit 0"() {
        when:
        def r = cli.run('host-monitor', '--once')
        def lines = r.out.readLines()

        then:
        r.status == 0
        r.err == ''
        lines[0].split(/\s+/).take(4) as List == ['HOST', 'OS', 'ROLE', 'VLT_SHA']
        lines.drop(1)*.split(/\s+/)*.getAt(0) == ['mac-001.ex', 'ms-001.ex', 'ms-002.ex', 'ms-003.ex']
        lines.find { it.startsWith('ms-002.ex') } =~ /25h|1d 01h/
        lines.find { it.startsWith('ms-002.ex') }.contains('FAIL')
        lines.find { it.startsWith('ms-003.ex') } =~ /unreachable/
        !r.out.contains('\u001b[')
    }

    def "--filter and --sort: the query language picks and orders; no match is exit 1 with an empty table"() {
        when:
        def r = cli.run('monitor', '--once', '--filter', 'role~talos sort:pp_last:desc')

        then:
        r.status == 0
        r.out.readLines().drop(1)*.split(/\s+/)*.getAt(0) == ['ms-002.ex', 'ms-001.ex']

        when:
        def none = cli.run('host-monitor', '--once', '--filter', 'role=nothing_like_this')

        then:
        none.status == 1
        none.out == '(no hosts)\n'

        when:
        def byRole = cli.run('host-monitor', '--hostname-only', '--sort', 'role')

        then: 'hosts without a role last'
        byRole.status == 0
        byRole.out.readLines() == ['ms-001.ex', 'ms-002.ex', 'mac-001.ex', 'ms-003.ex']
    }

    def "a host list names the hosts watched, stored or not; --hostname-only prints one per line"() {
        when:
        def r = cli.run('host-monitor', 'talos', '--hostname-only')

        then:
        r.status == 0
        r.out.readLines() == ['ms-001.ex', 'ms-002.ex', 'ms-009.ex']
    }

    def "--json: one document that the published schema accepts, with cells and typed state per host"() {
        when:
        def r = cli.run('host-monitor', '--json', '--filter', 'os=L')
        def doc = new JsonSlurper().parseText(r.out)
        def schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(Files.readString(SCHEMA))
        def errors = schema.validate(new ObjectMapper().readTree(r.out))

        then:
        r.status == 0
        errors.isEmpty()
        doc.format == 'fleetroll.monitor/1'
        doc.filter == 'os=L'
        doc.summary.total == 4
        doc.summary.shown == 2
        doc.summary.unreachable == 1
        doc.summary.puppetFailed == 1
        doc.hosts*.host == ['ms-001.ex', 'ms-002.ex']
        doc.hosts[1].cells.pp_last.endsWith('FAIL')
        doc.hosts[1].state.puppet.success == false
        doc.hosts[1].state.puppetAge >= 25 * 3600
        doc.columns.contains('note')
    }

    def "the schema rejects a document that breaks it (the check can fail)"() {
        given:
        def schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(Files.readString(SCHEMA))
        def doc = new JsonSlurper().parseText(cli.run('host-monitor', '--json').out)
        doc.summary.total = 'four'
        doc.hosts[0].remove('cells')

        expect:
        schema.validate(new ObjectMapper().readTree(groovy.json.JsonOutput.toJson(doc))).size() == 2
    }

    def "--filter-file reads a saved filter's query"() {
        given:
        def f = dir.resolve('failing.yaml')
        f.text = 'description: Puppet failed\nquery: pp_last~FAIL\n'

        when:
        def r = cli.run('host-monitor', '--filter-file', f.toString(), '--hostname-only')

        then:
        r.status == 0
        r.out.readLines() == ['ms-002.ex']
    }

    def "bad input: one line naming the problem, exit 2, nothing printed on stdout"() {
        when:
        def r = cli.run(args as String[])

        then:
        r.status == 2
        r.out == ''
        r.err.readLines().size() == 1
        r.err =~ message

        where:
        args                                                         | message
        ['host-monitor', '--once', '--filter', 'rol~talos']          | /unknown column 'rol'.*did you mean 'role'/
        ['host-monitor', '--once', '--sort', 'nope']                 | /unknown column 'nope'/
        ['host-monitor', '--json', '--hostname-only']                | /--json or --hostname-only, not both/
        ['host-monitor', '--filter', 'a=b', '--filter-file', 'x']    | /--filter or --filter-file, not both/
        ['host-monitor', '--once', 'no-such-list/x']                 | /no-such-list/
        ['host-monitor', '--filter-file', '/nonexistent/f.yaml']     | /--filter-file \/nonexistent\/f.yaml/
    }
}
