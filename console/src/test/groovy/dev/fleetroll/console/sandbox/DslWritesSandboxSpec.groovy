package dev.fleetroll.console.sandbox

import dev.fleetroll.console.testing.FleetrollProcess
import dev.fleetroll.console.testing.Tmux
import dev.fleetroll.sandbox.SandboxFixture
import groovy.json.JsonSlurper
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise
import spock.lang.Timeout

import java.nio.file.Path
import java.time.Duration

/**
 * The DSL's write verbs as operators use them, against a real 5-host sandbox (ms-001 clean, ms-002 override
 * applied, ms-003 override pending, ms-004 failed run, macmini-r8-001 applied): the console's plan and [y/N],
 * fleetroll run failing closed without a terminal, --dry-run, and the headline one-liner with --confirm followed by
 * the hosts' own run-puppet.sh. Features run in order on one fleet.
 */
@Stepwise
@Timeout(600)
@Requires({ SandboxFixture.supported() && Tmux.available() })
class DslWritesSandboxSpec extends Specification {
    static final String PROMPT = 'fleetroll> '
    static final String OVERRIDE = """# canary of resolverd-fix
PUPPET_REPO='https://github.com/mozilla-platform-ops/ronin_puppet.git'
PUPPET_BRANCH='resolverd-fix'
PUPPET_MAIL='releng@example.com'
"""

    @Shared
    SandboxFixture fleet = SandboxFixture.start(5)
    @Shared
    FleetrollProcess fr = new FleetrollProcess(fake: false, home: fleet.home)
    @Shared
    Tmux tmux = new Tmux()
    @Shared
    Path overrideFile
    @Shared
    Path headline

    def setupSpec() {
        overrideFile = fr.dir.resolve('canary.override')
        overrideFile.text = OVERRIDE
        headline = fr.dir.resolve('headline.groovy')
        headline.text = """\
def r = hosts('sandbox').audit().where { !applied }.setOverride(file(args[0]), reason: 'canary')
println "dryRun=\${dryRun} changed=\${r.changed.fold()} unchanged=\${r.unchanged.fold()} blocked=\${r.blocked.fold()}"
"""
    }

    def cleanupSpec() {
        tmux?.close()
        fr?.cleanup()
        fleet?.close()
    }

    String overrideOn(String host) {
        fleet.exec(host, 'cat /etc/puppet/ronin_settings 2>/dev/null || echo NONE').stdout().trim()
    }

    List<Map> auditLog() {
        def f = fleet.fleetrollHome().auditLog()
        java.nio.file.Files.exists(f) ? f.readLines().collect { new JsonSlurper().parseText(it) as Map } : []
    }

    def "the console shows the plan and asks [y/N]: no writes nothing, yes writes"() {
        given:
        tmux.start('w', fr.launcher.toString())
        tmux.waitFor('w', PROMPT, 120)

        when: 'the operator answers n'
        tmux.type('w', "hosts('ms-1').setOverride(file('${overrideFile}'), reason: 'tmux canary')")
        tmux.keys('w', 'Enter')
        def screen = tmux.waitFor('w', 'Set override on 1 host? [y/N]', 60)
        tmux.type('w', 'n')
        tmux.keys('w', 'Enter')
        screen = tmux.waitFor('w', 'declined, nothing written', 30)

        then: 'the plan named the host, file, sha and humanhash; nothing reached the host'
        screen.contains('t-linux64-ms-001.sandbox.test')
        screen =~ /sha256\s+[0-9a-f]{64} \([a-z]+-[a-z]+\)/
        overrideOn('t-linux64-ms-001') == 'NONE'
        auditLog().last().outcome == 'declined'

        when: 'the operator answers y'
        int prompts = tmux.screen('w').count(PROMPT)
        tmux.type('w', "hosts('ms-1').setOverride(file('${overrideFile}'), reason: 'tmux canary')")
        tmux.keys('w', 'Enter')
        tmux.waitFor('w', 'Set override on 1 host? [y/N]', 60)
        tmux.type('w', 'y')
        tmux.keys('w', 'Enter')
        screen = tmux.waitForCount('w', PROMPT, prompts + 1, 120)

        then:
        screen =~ /changed\s+t-linux64-ms-001\.sandbox\.test\s+override written/
        overrideOn('t-linux64-ms-001') == OVERRIDE.trim()
        auditLog().last().with { it.action == 'override.set' && it.ok && it.reason == 'tmux canary' }
    }

    def "fleetroll run without a terminal and without --confirm refuses the write: one line, nothing written"() {
        when:
        def r = fr.run(['run', headline.toString(), '--', overrideFile.toString()])

        then:
        r.status != 0
        r.err.readLines().findAll { it.contains('refused') }.size() == 1
        r.err.contains('no terminal to confirm on and no --confirm')
        !r.err.contains('\tat ')
        overrideOn('t-linux64-ms-004') == 'NONE'
        auditLog().last().outcome == 'refused'
    }

    def "--dry-run prints the plan, writes nothing, and the script sees dryRun"() {
        when:
        def r = fr.run(['run', headline.toString(), '--dry-run', '--', overrideFile.toString()])

        then:
        r.status == 0
        r.out.contains('DRY RUN: set override on 3 hosts: t-linux64-ms-[001,003-004].sandbox.test')
        r.out.contains('dryRun=true')
        overrideOn('t-linux64-ms-004') == 'NONE'
        auditLog().last().dry_run == true
    }

    def "the headline with --confirm writes only where the override was not applied; after run-puppet.sh nothing is left"() {
        when:
        def r = fr.run(['run', headline.toString(), '--confirm', '--', overrideFile.toString()])

        then: 'ms-001 already has it, ms-003 has another override (blocked), ms-004 gets it'
        r.status == 0   // the script looked at r.blocked, so the blocked host does not fail the run
        r.out.contains('dryRun=false changed=t-linux64-ms-004.sandbox.test unchanged=t-linux64-ms-001.sandbox.test'
                + ' blocked=t-linux64-ms-003.sandbox.test')
        overrideOn('t-linux64-ms-004') == OVERRIDE.trim()
        overrideOn('t-linux64-ms-002') != OVERRIDE.trim()

        when: "each host's own run-puppet.sh (ms-004's failing puppet fixed first), then audit again"
        fleet.setPuppetFailing('t-linux64-ms-004', false)
        ['t-linux64-ms-001', 't-linux64-ms-003', 't-linux64-ms-004'].each {
            fleet.exec(it, 'run-puppet.sh', Duration.ofSeconds(120))
        }
        def after = fr.run(['-e', "hosts('sandbox').audit().where { !applied }.names()"])

        then:
        after.status == 0
        after.out.trim() == '[]'
    }
}
