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
 * the hosts' own run-puppet.sh; then unsetOverride and setVault with --confirm, with and without a backup, read back on
 * the hosts. Features run in order on one fleet.
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

    /** Names of {@code file}'s backups ({@code file.bak.*}) on the host, as the host lists them. */
    List<String> backupsOf(String host, String file) {
        def r = fleet.hostShell(host, "ls -1 ${file}.bak.* 2>/dev/null || true")
        assert r.ok(): r.stderr()
        r.stdout().readLines().findAll { it }.sort()
    }

    /** {@code mode owner group} as the host's own stat reports it (BSD stat on the macOS-like hosts). */
    String stat(String host, String path) {
        String cmd = fleet.host(host).os().name() == 'MACOS' ? "stat -f '%Lp %Su %Sg' ${path}" : "stat -c '%a %U %G' ${path}"
        def r = fleet.exec(host, cmd)
        assert r.ok(): r.stderr()
        r.stdout().trim()
    }

    def "unsetOverride with --confirm removes the override on Linux and macOS paths; backup: false leaves no backup"() {
        given: 'ms-001 and macmini-r8-001 keep a backup, ms-004 does not'
        def script = fr.dir.resolve('unset.groovy')
        script.text = """\
def kept = hosts(args[0]).unsetOverride(reason: 'canary done')
def gone = hosts(args[1]).unsetOverride(reason: 'canary done', backup: false)
println "dryRun=\${dryRun} removed=\${(kept.changed + gone.changed).fold()} unchanged=\${(kept.unchanged + gone.unchanged).fold()}"
"""
        def mac = fleet.host('macmini-r8-001')
        def before = [ms1: backupsOf('t-linux64-ms-001', '/etc/puppet/ronin_settings'),
                      ms4: backupsOf('t-linux64-ms-004', '/etc/puppet/ronin_settings'),
                      mac: backupsOf(mac.name(), mac.overridePath())]
        def macOverride = fleet.readHostFile(mac.name(), mac.overridePath())
        assert overrideOn('t-linux64-ms-001') == OVERRIDE.trim() && overrideOn('t-linux64-ms-004') == OVERRIDE.trim()
        assert macOverride != null

        when:
        def r = fr.run(['run', script.toString(), '--confirm', '--', 'ms-1,mac-1', 'ms-4'])

        then:
        r.status == 0
        r.out.contains('dryRun=false removed=macmini-r8-001.sandbox.test,t-linux64-ms-[001,004].sandbox.test unchanged=\n')

        and: 'the overrides are gone from the hosts'
        overrideOn('t-linux64-ms-001') == 'NONE'
        overrideOn('t-linux64-ms-004') == 'NONE'
        fleet.readHostFile(mac.name(), mac.overridePath()) == null

        and: 'a backup of the removed file where backup was left on, none where it was off'
        def newMs1 = backupsOf('t-linux64-ms-001', '/etc/puppet/ronin_settings') - before.ms1
        newMs1.size() == 1
        fleet.readHostFile('t-linux64-ms-001', newMs1[0]) == OVERRIDE
        def newMac = backupsOf(mac.name(), mac.overridePath()) - before.mac
        newMac.size() == 1
        newMac[0].startsWith('/opt/puppet_environments/ronin_settings.bak.')
        fleet.readHostFile(mac.name(), newMac[0]) == macOverride
        backupsOf('t-linux64-ms-004', '/etc/puppet/ronin_settings') == before.ms4

        and: 'one audit record per host, saying whether it was backed up'
        def recs = auditLog().findAll { it.action == 'override.unset' }
        recs.collect { [it.host, it.outcome, it.parameters.backup, it.reason] } as Set == [
                ['t-linux64-ms-001.sandbox.test', 'changed', true, 'canary done'],
                ['macmini-r8-001.sandbox.test', 'changed', true, 'canary done'],
                ['t-linux64-ms-004.sandbox.test', 'changed', false, 'canary done']] as Set

        when: 'the verbs re-audited the hosts: the store knows the overrides are gone'
        def left = fr.run(['-e', "hosts('sandbox').where { override }.names()"])

        then:
        left.status == 0
        left.out.trim() == '[t-linux64-ms-002.sandbox.test, t-linux64-ms-003.sandbox.test]'
    }

    def "setVault with --confirm writes the vault with mode 0600 and never shows it; backup: false leaves no backup"() {
        given:
        def vault = fr.dir.resolve('vault.yaml')
        vault.text = 'taskcluster:\n  client_id: project/releng/rotated\n  access_token: s3cr3t-rotated-token\n'
        def script = fr.dir.resolve('vault.groovy')
        script.text = """\
def a = hosts(args[1]).setVault(file(args[0]), reason: 'rotate', mode: 0600)
def b = hosts(args[2]).setVault(file(args[0]), reason: 'rotate', mode: 0600, backup: false)
println "changed=\${(a.changed + b.changed).fold()}"
"""
        def linux = fleet.host('t-linux64-ms-002')
        def mac = fleet.host('macmini-r8-001')
        def before = [linux: backupsOf(linux.name(), linux.vaultPath()), mac: backupsOf(mac.name(), mac.vaultPath())]
        def oldLinuxVault = fleet.readHostFile(linux.name(), linux.vaultPath())
        assert oldLinuxVault != null && fleet.readHostFile(mac.name(), mac.vaultPath()) != null

        when:
        def r = fr.run(['run', script.toString(), '--confirm', '--', vault.toString(), 'ms-2', 'mac-1'])

        then:
        r.status == 0
        r.out.contains('changed=macmini-r8-001.sandbox.test,t-linux64-ms-002.sandbox.test\n')
        !(r.out + r.err).contains('s3cr3t')

        and: 'the vault is on both hosts at the OS default path, mode 0600'
        linux.vaultPath() == '/root/vault.yaml'
        mac.vaultPath() == '/var/root/vault.yaml'
        fleet.readHostFile(linux.name(), '/root/vault.yaml') == vault.text
        fleet.readHostFile(mac.name(), '/var/root/vault.yaml') == vault.text
        stat(linux.name(), '/root/vault.yaml') == '600 root root'
        stat(mac.name(), '/var/root/vault.yaml') == '600 root wheel'

        and: 'the old vault backed up on the Linux host, no backup on the one with backup: false'
        def newBackups = backupsOf(linux.name(), linux.vaultPath()) - before.linux
        newBackups.size() == 1
        fleet.readHostFile(linux.name(), newBackups[0]) == oldLinuxVault
        backupsOf(mac.name(), mac.vaultPath()) == before.mac

        and: 'the audit log has the sha256, mode and backup, never the content'
        def recs = auditLog().findAll { it.action == 'vault.set' }
        recs.collect { [it.host, it.outcome, it.parameters.mode, it.parameters.backup] } as Set == [
                ['t-linux64-ms-002.sandbox.test', 'changed', '0600', true],
                ['macmini-r8-001.sandbox.test', 'changed', '0600', false]] as Set
        recs.every { it.parameters.sha256 == vault.text.digest('SHA-256') }
        !fleet.fleetrollHome().auditLog().text.contains('s3cr3t')

        when: 'the re-audit stored the new vault sha'
        def seen = fr.run(['-e', "hosts('ms-2', 'mac-1').where { vaultSha == '${vault.text.digest('SHA-256')}' }.size()"])

        then:
        seen.status == 0
        seen.out.trim() == '2'
    }
}
