package dev.fleetroll.console.cli

import dev.fleetroll.sandbox.SandboxFixture
import groovy.json.JsonSlurper
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Timeout

import java.nio.file.Files

/**
 * The demo outside a checkout: it runs the copy of scripts/demo.groovy bundled in the jar, with the built-in example
 * override written under FLEETROLL_HOME/demo, as a dry run against the 5-host test fleet. ms-003 (pending
 * netperf-tuning override, the same text as the built-in example, so unchanged) and ms-004 (failed run, no override) need it; nothing is written.
 */
@Timeout(300)
@Requires({ SandboxFixture.supported() })
class DemoPlanSpec extends Specification {
    @Shared @AutoCleanup SandboxFixture sandbox = SandboxFixture.start(5)

    def "outside a checkout the demo runs the bundled script with the built-in override: the table and the dry-run push, nothing written"() {
        given: 'no project checkout: the workspace has no project dir'
        def out = new ByteArrayOutputStream()
        def err = new ByteArrayOutputStream()
        def ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, 'UTF-8'), new PrintStream(err, true, 'UTF-8'),
                sandbox.env() + [USER: 'tester'], false, false, false, false, { sandbox.workspace(null) })
        assert ctx.workspace().projectDir() == null

        when:
        def source = DemoCommand.exampleOverride(ctx)
        int status = DemoCommand.runDemoScript(ctx, source)
        def text = out.toString('UTF-8')
        def copy = sandbox.fleetrollHome().dir().resolve('demo/netperf-tuning.override')

        then: 'the bundled script ran (the same text as scripts/demo.groovy of this checkout)'
        status == 0
        !err.toString('UTF-8').contains('fleetroll:')
        DemoCommand.getResourceAsStream(DemoCommand.BUNDLED_SCRIPT).text == new File('../scripts/demo.groovy').text
        text.startsWith('$ fleetroll run scripts/demo.groovy --dry-run\n')
        text.contains('5 of 5 hosts answered; 2 have not applied their override yet: t-linux64-ms-[003-004].sandbox.test\n')

        and: 'it pushed (as a dry run) the built-in example, written to a file the script could read'
        source.name() == 'netperf-tuning.override (built-in example)'
        Files.readAllBytes(copy) == source.bytes()
        text.contains("\$ hosts('sandbox').audit().where { !applied }.setOverride(file('${copy}'), reason: 'demo')\n"
                + 'DRY RUN: set override on 2 hosts: t-linux64-ms-[003-004].sandbox.test\n')
        text =~ /1 host +t-linux64-ms-004\.sandbox\.test: no override now/
        text =~ /1 host +t-linux64-ms-003\.sandbox\.test: already this content \(unchanged\), audited .* ago/
        text.contains('Nothing written (dry run).')
        DemoCommand.notApplied(ctx) == ['t-linux64-ms-003.sandbox.test', 't-linux64-ms-004.sandbox.test']

        and: 'nothing was written; the dry run is in the audit log'
        sandbox.readHostFile('t-linux64-ms-004', '/etc/puppet/ronin_settings') == null
        def recs = Files.readAllLines(sandbox.fleetrollHome().auditLog()).collect { new JsonSlurper().parseText(it) }
        recs.size() == 1
        recs[0].dry_run == true
        recs[0].hosts == ['t-linux64-ms-003.sandbox.test', 't-linux64-ms-004.sandbox.test']
    }
}
