package dev.fleetroll.console.cli

import dev.fleetroll.sandbox.SandboxFixture
import groovy.json.JsonSlurper
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Timeout

import java.nio.file.Files
import java.nio.file.Path

/**
 * The demo's dry-run override push against the 5-host test fleet: audit, where { !applied }, plan the push of the
 * project's example override. ms-003 (pending netperf-tuning override, different text) and ms-004 (failed run, no
 * override) need it; nothing is written.
 */
@Timeout(300)
@Requires({ SandboxFixture.supported() })
class DemoPlanSpec extends Specification {
    @Shared @AutoCleanup SandboxFixture sandbox = SandboxFixture.start(5)
    @Shared Path project = Path.of('..').toAbsolutePath().normalize()

    def "the demo plans the example override for the hosts whose override is not applied, and writes nothing"() {
        given:
        assert Files.isRegularFile(project.resolve(DemoCommand.EXAMPLE_OVERRIDE))
        def out = new ByteArrayOutputStream()
        def err = new ByteArrayOutputStream()
        def ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, 'UTF-8'), new PrintStream(err, true, 'UTF-8'),
                sandbox.env() + [USER: 'tester'], false, false, false, false, { sandbox.workspace(project) })

        when:
        def source = DemoCommand.exampleOverride(ctx)
        def need = DemoCommand.planOverridePush(ctx, new PrintStream(out, true, 'UTF-8'), source)
        def text = out.toString('UTF-8')

        then:
        err.toString() == ''
        source.name() == 'configs/overrides/netperf-tuning.override'
        need == ['t-linux64-ms-003.sandbox.test', 't-linux64-ms-004.sandbox.test']
        text.startsWith("hosts('sandbox').audit().where { !applied }.setOverride(file('configs/overrides/netperf-tuning.override'), reason: 'demo'), as a dry run:\n")
        text.contains('DRY RUN: set override on 2 hosts: t-linux64-ms-[003-004].sandbox.test\n')
        text =~ /1 host +t-linux64-ms-004\.sandbox\.test: no override now/
        text =~ /1 host +t-linux64-ms-003\.sandbox\.test: has [0-9a-f]{12} \([a-z]+-[a-z]+\), audited .* ago, will be blocked unless forced/
        text.contains("-# fleetroll sandbox: roll out netperf-tuning of ronin_puppet")
        text.contains('Nothing written (dry run).')

        and: 'nothing was written; the dry run is in the audit log'
        sandbox.readHostFile('t-linux64-ms-004', '/etc/puppet/ronin_settings') == null
        def recs = Files.readAllLines(sandbox.fleetrollHome().auditLog()).collect { new JsonSlurper().parseText(it) }
        recs.size() == 1
        recs[0].dry_run == true
        recs[0].hosts == need
    }
}
