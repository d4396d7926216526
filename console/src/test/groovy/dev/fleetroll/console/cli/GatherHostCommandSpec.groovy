package dev.fleetroll.console.cli

import dev.fleetroll.sandbox.SandboxFixture
import groovy.json.JsonSlurper
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification

/** {@code fleetroll gather-host} against a real 9-host sandbox (every Linux scenario but one, and a Mac), through the Cli class. */
@Requires({ SandboxFixture.supported() })
class GatherHostCommandSpec extends Specification {
    @Shared
    SandboxFixture fleet = SandboxFixture.start(9)
    @Shared
    CliRunner cli = new CliRunner(fleet.fleetrollHome().dir())

    def cleanupSpec() {
        fleet?.close()
    }

    def "audits a host list: totals, overrides with folded hosts (t-linux64-ms-[001,004-006,008]) and content, exit 0"() {
        when:
        def r = cli.run('gather-host', 'sandbox')

        then:
        r.status == 0
        r.out =~ /Audited 9 hosts in [\d.]+s: 9 ok/
        r.out.contains('Overrides:')
        r.out.contains('branch ' + fleet.hosts().find { it.override() }.overrideBranch())
        r.out.contains("| PUPPET_BRANCH='")
        r.out.contains('no override')
        // hosts without an override, folded: ms-001 clean, 004 failed run, 005 no metadata, 006 clean, 008 no role
        r.out.contains('  no override  (5 hosts)\n    hosts: t-linux64-ms-[001,004-006,008].sandbox.test\n')
        r.out.contains('Observations: ' + fleet.fleetrollHome().database())
        r.err == ''
    }

    def "alias host-audit, a node set and a short name work the same"() {
        expect:
        cli.run('host-audit', 't-linux64-ms-[001-002].sandbox.test').out =~ /Audited 2 hosts/
        cli.run('gather-host', 'ms-1').out =~ /Audited 1 host in/
    }

    def "--json is one document with every observation and the overrides"() {
        when:
        def r = cli.run('gather-host', 'sandbox', '--json')
        def doc = new JsonSlurper().parseText(r.out)

        then:
        r.status == 0
        doc.total == 9
        doc.outcomes == [ok: 9]
        doc.hosts*.host.toSet() == fleet.hosts()*.fqdn().toSet()
        doc.hosts.every { it.outcome == 'ok' && it.hostname }
        doc.overrides.every { it.sha256.size() == 64 && it.humanhash =~ /^[a-z]+-[a-z]+$/ && it.content.contains('PUPPET_REPO') }
    }

    def "-q prints one line; a failed host makes exit 1 and names its reason"() {
        given:
        def h = fleet.hosts()[1]
        fleet.stopSshd(h.name())

        when:
        def quiet = cli.run('gather-host', 'sandbox', '-q')
        def full = cli.run('gather-host', 'sandbox')

        then:
        quiet.status == 1
        quiet.out.readLines().size() == 1
        quiet.out =~ /⚠ 8\/9 hosts ok, 1 unreachable \([\d.]+s\)/
        full.status == 1
        full.out =~ /(?m)^  ${java.util.regex.Pattern.quote(h.fqdn())}\s+unreachable\s+connection refused/

        cleanup:
        fleet.startSshd(h.name())
    }

    def "--every repeats over the open connections: the second round opens none"() {
        when:
        long before = fleet.acceptedConnections()
        def r = cli.run('gather-host', 'sandbox', '--every', '1s', '--rounds', '2', '-q')
        long opened = fleet.acceptedConnections() - before

        then:
        r.status == 0
        r.out.readLines().findAll { it.startsWith('== round') }.size() == 2
        r.out.readLines().count { it.startsWith('✓ 9/9 hosts ok') } == 2
        opened == 9
    }

    def "bad input is one line and exit 2: #args"() {
        when:
        def r = cli.run(args as String[])

        then:
        r.status == 2
        r.out == ''
        r.err.readLines().size() == 1
        r.err.contains(message)

        where:
        args                                                      || message
        ['gather-host', 'linux/nope']                             || "unknown host list 'linux/nope'"
        ['gather-host', 'bad_host!x']                             || "bad host name"
        ['gather-host']                                           || 'no hosts given'
        ['gather-host', 'sandbox', '-F', '/nonexistent/config']   || 'is not readable'
        ['gather-host', 'sandbox', '--every', 'soon']             || "--every 'soon' is not a positive duration"
        ['gather-host', 'sandbox', '--json', '-q']                || 'exclude each other'
        ['gather-host', 'sandbox', '--fanout', '0']               || '--fanout'
    }

    def "an empty host list is refused"() {
        given:
        def empty = fleet.fleetrollHome().hostLists().resolve('empty.list')
        empty.text = '# nothing yet\n'

        when:
        def r = cli.run('gather-host', 'empty')

        then:
        r.status == 2
        r.err.contains("host list 'empty' is empty")
    }
}
