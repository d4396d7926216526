package dev.fleetroll.console.cli

import dev.fleetroll.ops.ExternalFixture
import groovy.json.JsonSlurper
import java.nio.file.Path
import spock.lang.AutoCleanup
import spock.lang.Specification
import spock.lang.TempDir

/**
 * {@code gather-tc}, {@code gather-gh}, {@code tc-quarantine} and {@code tc-unquarantine} through the Cli class,
 * against the Taskcluster and GitHub stand-ins (real HTTP servers on 127.0.0.1) and a real store.
 */
class ExternalCommandsSpec extends Specification {
    @TempDir Path dir
    @AutoCleanup ExternalFixture ext
    CliRunner cli

    def setup() {
        ext = new ExternalFixture(dir)
        cli = new CliRunner(dir.resolve('home'), null, [HOME: dir.toString(), USER: 'operator'] + ExternalFixture.credentials())
    }

    def "gather-tc: a summary, the unmapped hosts by reason, the hosts Taskcluster does not list; exit 0"() {
        when: 'no arguments: every host in the store'
        def all = cli.run('gather-tc')

        then:
        all.status == 0
        all.err == ''
        all.out =~ /gather-tc: 4 hosts in 2 pools listed \(3 workers\) in /

        when: 'named, a never-audited host among them'
        def r = cli.run('gather-tc', 't-linux64-ms-[001-005]')

        then:
        r.status == 0
        r.out =~ /gather-tc: 5 hosts in 2 pools listed \(3 workers\) in /
        r.out.contains('  present 2, absent 1, no pool 2\n')
        r.out.contains('  no pool for role gecko_t_unknown (add it to taskcluster.roles): t-linux64-ms-004\n')
        r.out.contains('  never audited, so its role is unknown (gather-host it first): t-linux64-ms-005\n')
        r.out.contains('  not listed by Taskcluster: t-linux64-ms-002\n')
    }

    def "gather-tc --json; a pool that fails is exit 1 with a line naming it"() {
        when:
        def doc = new JsonSlurper().parseText(cli.run('gather-tc', 't-linux64-ms-001', '--json').out)

        then:
        doc.hosts['t-linux64-ms-001'].present
        doc.hosts['t-linux64-ms-001'].latestTask == 'TASK-A'

        when:
        ext.tc.failNext(2, 500)
        def r = cli.run('gather-tc', 't-linux64-ms-001')

        then:
        r.status == 1
        r.out =~ /pool releng-hardware\/gecko-t-linux-talos-1804 failed: .*500.* \(its hosts keep their previous record\)/
    }

    def "gather-gh, then the monitor columns via -e: expected sha, match, Taskcluster activity, health"() {
        when:
        def gh = cli.run('gather-gh')
        cli.run('gather-tc')
        def table = cli.run('-e', "hosts('t-linux64-ms-[001-003]').show('host pp_exp pp_match tc_act tc_quar healthy')")

        then:
        gh.status == 0
        gh.out.contains('  acme/ronin_puppet:fix  ' + ExternalFixture.FIX_HEAD + '\n')
        gh.out.contains('  acme/ronin_puppet:main  no such branch\n')
        table.status == 0
        table.out.readLines()[0].split(/\s+/) as List == ['HOST', 'PP_EXP', 'PP_MATCH', 'TC_ACT', 'TC_QUAR', 'HEALTHY']
        table.out.readLines()[1].split(/\s+/) as List == ['t-linux64-ms-001', 'fffffff', 'Y', '5m', '-', 'Y']
        table.out.readLines()[2].split(/\s+/) as List == ['t-linux64-ms-002', 'ccccccc', 'Y', 'absent', '-', 'N']
        table.out.readLines()[3] =~ /^t-linux64-ms-003\s+-\s+-\s+3h 0\dm\s+-\s+N$/
    }

    def "tc-quarantine: dry run without --confirm (no terminal: refused), then sent with --confirm; tc-unquarantine"() {
        given:
        cli.run('gather-tc')

        when: 'no terminal and no --confirm: refused, nothing sent'
        def refused = cli.run('tc-quarantine', 't-linux64-ms-001', '--reason', 'disk failing')

        then:
        refused.status == 2
        refused.err.trim() == 'fleetroll: quarantine refused: no terminal to confirm on and no --confirm (nothing written to the 1 host; add --confirm to write, or --dry-run to see the plan)'

        when:
        def dry = cli.run('tc-quarantine', 't-linux64-ms-001', 't-linux64-ms-004', '--reason', 'disk failing', '--dry-run')

        then:
        dry.status == 0
        dry.out.startsWith('DRY RUN: quarantine in Taskcluster on 1 host: t-linux64-ms-001\n')
        dry.out.contains('  reason   disk failing\n')
        dry.out.contains('    t-linux64-ms-001: releng-hardware/gecko-t-linux-talos-1804 mdc1/t-linux64-ms-001, not quarantined')
        dry.out.contains('  skipped t-linux64-ms-004: no pool for role gecko_t_unknown (add it to taskcluster.roles)\n')
        dry.out.contains('Nothing sent (dry run).')

        when:
        def sent = cli.run('tc-quarantine', 't-linux64-ms-001', '--reason', 'disk failing', '--for', '2d', '--confirm')

        then:
        sent.status == 0
        sent.out.startsWith('WRITE: quarantine in Taskcluster on 1 host: t-linux64-ms-001\n')
        sent.out =~ /  t-linux64-ms-001: quarantined until \d{4}-/
        sent.out.contains('tc-quarantine: 1 ok, 0 failed, in ')
        !sent.out.contains(ExternalFixture.TOKEN)
        cli.run('-e', "hosts('t-linux64-ms-001').show('host tc_quar')").out.readLines()[1].split(/\s+/) as List == ['t-linux64-ms-001', 'YES']

        when:
        def lifted = cli.run('tc-unquarantine', 't-linux64-ms-001', '--confirm')

        then:
        lifted.status == 0
        lifted.out.contains('  t-linux64-ms-001: not quarantined\n')
    }

    def "a script: tc() and where over the verdicts; quarantine refused without a terminal, a dry run with --dry-run, sent with --confirm"() {
        given:
        def script = dir.resolve('quarantine-idle.groovy')
        script.text = """\
            def idle = hosts('t-linux64-ms-[001-003]').tc().where { tc?.present && !tcActive }
            println "idle: \${idle.names()}"
            def r = hosts('t-linux64-ms-001').quarantine(reason: 'from a script', for: 2.days)
            println "ok: \${r.ok.names()} dry run: \${dryRun}"
            """.stripIndent()

        when:
        def refused = cli.run('run', script.toString())
        def dry = cli.run('run', script.toString(), '--dry-run')

        then:
        refused.status == 1
        refused.err.contains('quarantine-idle.groovy:3: quarantine refused: no terminal to confirm on and no --confirm')
        dry.status == 0
        dry.out.contains('idle: [t-linux64-ms-003]')
        dry.out.contains('DRY RUN: quarantine in Taskcluster on 1 host: t-linux64-ms-001')
        dry.out.contains('dry run: true')
        cli.run('-e', "hosts('t-linux64-ms-001').where { quarantined }.size()").out.trim() == '0'

        when:
        def sent = cli.run('run', script.toString(), '--confirm')

        then:
        sent.status == 0
        sent.out.contains('ok: [t-linux64-ms-001] dry run: false')
        cli.run('-e', "hosts('t-linux64-ms-001').where { quarantined }.collect { tc.quarantineReason }").out.trim() == '[from a script]'
    }

    def "bad input: no reason, a bad --for, no hosts: one line, exit 2"() {
        expect:
        cli.run('tc-quarantine', 't-linux64-ms-001', '--confirm').err.trim() ==
                "fleetroll: quarantine needs a reason (reason: '...' in the DSL, --reason in the CLI): it is what the next operator and Taskcluster's UI will see"
        cli.run('tc-quarantine', 'ms-1', '--reason', 'x', '--for', 'soon').err.trim() ==
                "fleetroll: tc-quarantine: --for 'soon' is not a duration (2d, 12h)"
        cli.run('tc-unquarantine').status == 2
    }

    def "Taskcluster unreachable: one line naming the request, exit 1, no stack trace"() {
        given:
        ext.tc.close()

        when:
        def r = cli.run('gather-tc', 't-linux64-ms-001')

        then:
        r.status == 1
        r.out.contains('pool releng-hardware/gecko-t-linux-talos-1804 failed: ')
        !r.err.contains('Exception')
        !r.out.contains('\tat ')
    }
}
