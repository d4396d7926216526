package dev.fleetroll.ops

import dev.fleetroll.ops.write.SetOverride;
import dev.fleetroll.ops.write.SetVault;
import dev.fleetroll.ops.write.UnsetOverride;
import dev.fleetroll.ops.write.WriteAction;
import dev.fleetroll.ops.write.WriteContext;
import dev.fleetroll.ops.write.WriteOptions;
import dev.fleetroll.ops.write.WriteResults;
import dev.fleetroll.ops.write.WriteSource;
import dev.fleetroll.UserError
import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.puppet.InvalidFileError
import dev.fleetroll.ssh.BatchListener
import dev.fleetroll.ssh.Cancellation
import dev.fleetroll.ssh.RemoteCommand
import dev.fleetroll.state.FileFacts
import groovy.json.JsonSlurper
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock
import java.time.Instant

/** The write pipeline end to end, with hosts as local directories (LocalFleet). SSH itself is covered by the sandbox specs. */
class WriteOperationsSpec extends Specification {
    static final String OVR = """\
PUPPET_REPO='https://github.com/mozilla-platform-ops/ronin_puppet.git'
PUPPET_BRANCH='canary'
PUPPET_MAIL='relops@mozilla.com'
"""
    static final String OVR2 = OVR.replace('canary', 'other')
    static final String SECRET = 'tc_access_token_s3cr3t'
    static final String ME = ['id', '-un'].execute().text.trim()
    static final String MY_GROUP = ['id', '-gn'].execute().text.trim()

    @TempDir
    Path tmp
    LocalFleet fleet
    AuditLog log
    MemoryContent content
    WriteContext ctx

    def setup() {
        def home = new FleetrollHome(tmp.resolve('home'))
        def ws = Workspace.of(home, null, [:])
        fleet = new LocalFleet(ws, tmp.resolve('hosts'))
        log = new AuditLog(home.auditLog(), 'tester', Clock.systemUTC())
        content = new MemoryContent()
        ctx = new WriteContext(fleet, log, content, Clock.systemUTC())
    }

    WriteOptions opts(Map m = [:], WriteAction a = WriteAction.OVERRIDE_SET) {
        def base = [path: LocalFleet.HOSTROOT + '/ronin_settings', owner: ME, group: MY_GROUP]
        if (a == WriteAction.OVERRIDE_UNSET) {
            base = [path: LocalFleet.HOSTROOT + '/ronin_settings']
        }
        if (a == WriteAction.VAULT_SET) {
            base.path = LocalFleet.HOSTROOT + '/vault.yaml'
        }
        WriteOptions.fromMap(a, base + m)
    }

    WriteResults set(List<String> hosts, String text, Map m = [:], WriteGate gate = WriteGate.confirmed('--confirm')) {
        new SetOverride(ctx).run(hosts, WriteSource.text(text), opts(m), gate, BatchListener.NONE, Cancellation.none())
    }

    List<Map> records() {
        Files.exists(log.file()) ? Files.readAllLines(log.file()).collect { new JsonSlurper().parseText(it) as Map } : []
    }

    def "set, re-set, blocked, forced, unset: outcomes, files, audit records and re-audits"() {
        when: 'first set: two hosts written, one unreachable'
        def r1 = set(['h1', 'h2', 'down1'], OVR, [reason: 'canary'])

        then:
        r1.changed() == ['h1', 'h2']
        r1.unreachable() == ['down1']
        r1.ok() == ['h1', 'h2']
        r1.failed() == ['down1']
        !r1.allOk()
        fleet.dir('h1').resolve('ronin_settings').text == OVR
        fleet.audits == [['h1', 'h2']]
        r1.summary().startsWith('set override: 3 hosts, 2 changed, 0 unchanged, 0 blocked, 0 failed, 1 unreachable')
        content.overrides.containsKey(LocalFleet.sha(OVR.bytes))
        fleet.commands[0].asRoot()
        fleet.commands[0].stdin() == OVR.bytes

        and: 'one audit record per host'
        def recs = records()
        recs.size() == 3
        recs*.host == ['h1', 'h2', 'down1']
        recs*.outcome == ['changed', 'changed', 'unreachable']
        recs*.ok == [true, true, false]
        recs.every { it.action == 'override.set' && it.reason == 'canary' && it.actor == 'tester' && !it.dry_run }
        recs[0].parameters.sha256 == LocalFleet.sha(OVR.bytes)
        recs[0].parameters.approval == '--confirm'
        recs[0].observed.old_sha256 == null
        recs[0].observed.new_sha256 == LocalFleet.sha(OVR.bytes)
        recs[2].observed.error.contains('connection refused')
        log.verify().ok()

        when: 're-set: unchanged'
        def r2 = set(['h1', 'h2'], OVR)

        then:
        r2.unchanged() == ['h1', 'h2']
        r2.allOk()

        when: 'a different override: blocked on the host'
        def r3 = set(['h1'], OVR2)

        then:
        r3.blocked() == ['h1']
        r3.failed() == ['h1']
        r3.hosts()[0].error().contains('force')
        fleet.dir('h1').resolve('ronin_settings').text == OVR
        r3.plan().expectedBlocked() == ['h1'] // the re-audit stored h1's override, so the plan predicts it

        when: 'forced'
        def r4 = set(['h1'], OVR2, [force: true])

        then:
        r4.changed() == ['h1']
        fleet.dir('h1').resolve('ronin_settings').text == OVR2
        Path.of(r4.hosts()[0].reply().backup()).text == OVR
        records().last().forced == true

        when: 'unset'
        def unset = new UnsetOverride(ctx)
        def r5 = unset.run(['h1', 'h2'], opts([:], WriteAction.OVERRIDE_UNSET), WriteGate.confirmed('--confirm'), BatchListener.NONE, Cancellation.none())
        def r6 = unset.run(['h1'], opts([:], WriteAction.OVERRIDE_UNSET), WriteGate.confirmed('--confirm'), BatchListener.NONE, Cancellation.none())

        then:
        r5.changed() == ['h1', 'h2']
        !Files.exists(fleet.dir('h1').resolve('ronin_settings'))
        r6.unchanged() == ['h1']
        records().findAll { it.action == 'override.unset' }*.outcome == ['changed', 'changed', 'unchanged']
        log.verify().ok()
    }

    def "an invalid override is rejected before any host is touched, and the rejection is audited"() {
        when:
        set(['h1', 'h2'], "PUPPET_BRANCH='bad.branch'\n")

        then:
        def e = thrown(InvalidFileError)
        e.message == "<text>: line 1: PUPPET_BRANCH 'bad.branch' may contain only letters, digits, '/', '_' and '-' [rule branch-characters]"
        fleet.commands.isEmpty()
        !Files.exists(fleet.dir('h1').resolve('ronin_settings'))
        records().size() == 1
        records()[0].outcome == 'invalid'
        records()[0].hosts == ['h1', 'h2']
        records()[0].observed.rule == 'branch-characters'
        records()[0].ok == false
    }

    def "an audit log that cannot be written stops the write before any host is touched"() {
        given:
        Files.createDirectories(log.file()) // a directory where the log file belongs

        when:
        set(['h1'], OVR)

        then:
        def e = thrown(UserError)
        e.message.startsWith("cannot append to the audit log ${log.file()}")
        e.message.endsWith('nothing was written to any host')
        fleet.commands.isEmpty()
        !Files.exists(fleet.dir('h1').resolve('ronin_settings'))
    }

    def "when the audit log fails after the hosts were written, the results are still reported, with a warning"() {
        given: 'a fleet whose exec breaks the log once the hosts are written'
        def breaking = new LocalFleet(fleet.workspace, tmp.resolve('hosts2')) {
            @Override
            ExecReport exec(List<String> hosts, RemoteCommand command, BatchListener listener, Cancellation cancellation) {
                def r = super.exec(hosts, command, listener, cancellation)
                Files.deleteIfExists(log.file())
                Files.createDirectories(log.file())
                r
            }
        }
        def c = new WriteContext(breaking, log, content, Clock.systemUTC())

        when:
        def r = new SetOverride(c).run(['h1'], WriteSource.text(OVR), opts(), WriteGate.confirmed('--confirm'),
                BatchListener.NONE, Cancellation.none())

        then:
        r.changed() == ['h1']
        breaking.dir('h1').resolve('ronin_settings').text == OVR
        r.warnings().any { it.startsWith('not recorded in the audit log: cannot append to the audit log') }
        breaking.audits == [['h1']] // the re-audit still ran
    }

    def "dry run, declined and refused write nothing; each is audited; refused throws (fail closed)"() {
        when:
        def dry = set(['h1'], OVR, [:], WriteGate.dryRun('dry-run (no --confirm)'))

        then:
        dry.dryRun()
        dry.hosts().isEmpty()
        fleet.commands.isEmpty()
        records()[-1].dry_run == true
        records()[-1].outcome == 'dry-run'
        records()[-1].parameters.approval == 'dry-run (no --confirm)'

        when:
        def declined = set(['h1'], OVR, [:], { p -> new WriteGate.Decision(WriteGate.Verdict.DECLINED, 'prompt', 'operator said no') } as WriteGate)

        then:
        declined.declined()
        fleet.commands.isEmpty()
        records()[-1].outcome == 'declined'

        when:
        set(['h1'], OVR, [:], { p -> new WriteGate.Decision(WriteGate.Verdict.REFUSED, 'no terminal', 'setOverride: refusing to write without a terminal to confirm on; run with --confirm') } as WriteGate)

        then:
        def e = thrown(WriteRefused)
        e.message.contains('--confirm')
        fleet.commands.isEmpty()
        records()[-1].outcome == 'refused'
        records()[-1].ok == false
        !Files.exists(fleet.dir('h1').resolve('ronin_settings'))
    }

    def "the plan groups hosts by their stored state and diffs against stored content"() {
        given:
        def oldSha = LocalFleet.sha(OVR.bytes)
        content.store(dev.fleetroll.remote.ManagedFile.OVERRIDE, OVR.bytes)
        def facts = { String sha -> new FileFacts(LocalFleet.HOSTROOT + '/ronin_settings', '644', 'root', 'root', 10L, Instant.now(), sha) }
        fleet.stored.h1 = LocalFleet.observation('h1', facts(oldSha))
        fleet.stored.h2 = LocalFleet.observation('h2', facts(oldSha))
        fleet.stored.h3 = LocalFleet.observation('h3', null)
        fleet.stored.h4 = LocalFleet.observation('h4', facts(LocalFleet.sha(OVR2.bytes)))

        when:
        def plan = new SetOverride(ctx).plan(['h1', 'h2', 'h3', 'h4', 'h5'], WriteSource.text(OVR2), WriteOptions.DEFAULTS)

        then:
        plan.current()*.state() == [WritePlan.State.ABSENT, WritePlan.State.SAME, WritePlan.State.DIFFERENT, WritePlan.State.UNKNOWN]
        plan.current().find { it.state() == WritePlan.State.DIFFERENT }.hosts() == ['h1', 'h2']
        plan.current().find { it.state() == WritePlan.State.DIFFERENT }.diff() == [
                "--- current ${oldSha.take(12)} (hh-${oldSha.take(6)})".toString(),
                "+++ new ${plan.sha256().take(12)} (hh-${plan.sha256().take(6)})".toString(),
                '@@ -1,3 +1,3 @@',
                " PUPPET_REPO='https://github.com/mozilla-platform-ops/ronin_puppet.git'",
                "-PUPPET_BRANCH='canary'",
                "+PUPPET_BRANCH='other'",
                " PUPPET_MAIL='relops@mozilla.com'"]
        plan.expectedBlocked() == ['h1', 'h2']
        plan.newText() == OVR2
        plan.mode() == '0644'
        plan.backupsKept() == 10
        records().isEmpty()
    }

    @spock.lang.Timeout(30)
    def "a long override is not diffed in the plan (Myers over 100k near-identical lines would take minutes)"() {
        given:
        String big = OVR + ('# ' + 'x' * 60 + '\n') * 100_000
        String big2 = big.replace("'canary'", "'other'")
        content.store(dev.fleetroll.remote.ManagedFile.OVERRIDE, big.bytes)
        fleet.stored.h1 = LocalFleet.observation('h1', new FileFacts(LocalFleet.HOSTROOT + '/ronin_settings', '644', 'root', 'root',
                (long) big.size(), Instant.now(), LocalFleet.sha(big.bytes)))

        when:
        def plan = new SetOverride(ctx).plan(['h1'], WriteSource.text(big2), WriteOptions.DEFAULTS)
        def g = plan.current()[0]

        then:
        g.state() == WritePlan.State.DIFFERENT
        g.diffOmitted()
        g.diff().isEmpty()
    }

    def "vault: validated, written, content never in plan, messages or audit log; force is refused"() {
        given:
        def vault = "taskcluster:\n  access_token: ${SECRET}\n"
        def op = new SetVault(ctx)
        def o = opts([reason: 'rotate'], WriteAction.VAULT_SET)

        when:
        def plan = op.plan(['h1'], WriteSource.text(vault), o)
        def r = op.run(['h1'], WriteSource.text(vault), o, WriteGate.confirmed('--confirm'), BatchListener.NONE, Cancellation.none())

        then:
        plan.newText() == null
        plan.mode() == '0640'
        plan.current().every { it.diff().isEmpty() }
        r.changed() == ['h1']
        fleet.dir('h1').resolve('vault.yaml').text == vault
        content.vaults.size() == 1
        !log.file().text.contains(SECRET)
        records()[-1].action == 'vault.set'

        when: 'an invalid vault: the message does not quote it'
        op.run(['h1'], WriteSource.text("taskcluster:\n\taccess_token: ${SECRET}\n"), o, WriteGate.confirmed('--confirm'), BatchListener.NONE, Cancellation.none())

        then:
        def e = thrown(InvalidFileError)
        !e.message.contains(SECRET)
        !log.file().text.contains(SECRET)

        when:
        WriteOptions.fromMap(WriteAction.VAULT_SET, [force: true])

        then:
        def f = thrown(UserError)
        f.message.contains('force has no meaning for vaults')
    }

    def "hostile reasons and sources are stored literally"() {
        given:
        def reason = "it's \"canary\"; \$(touch /tmp/PWNED_R) `id`\nsecond line"

        when:
        set(['h1'], OVR, [reason: reason])

        then:
        records()[-1].reason == reason
        !Files.exists(Path.of('/tmp/PWNED_R'))
        log.verify().ok()
    }

    def "an empty host set writes and audits nothing, but still validates"() {
        when:
        def r = set([], OVR)

        then:
        r.hosts().isEmpty()
        r.summary() == 'set override: no hosts'
        records().isEmpty()

        when:
        set([], "rm -rf /\n")

        then:
        thrown(InvalidFileError)
    }

    def "a decimal number where an octal mode was meant names the fix"() {
        when:
        WriteOptions.fromMap(WriteAction.OVERRIDE_SET, [mode: 644])

        then:
        def e = thrown(UserError)
        e.message == "setOverride: mode 644 is not a file mode: write a number as an octal literal with a leading 0 (mode: 0644) or give a string (mode: '0644')"
    }

    def "unknown DSL options get a suggestion; a Groovy octal mode literal is understood"() {
        when:
        WriteOptions.fromMap(WriteAction.OVERRIDE_SET, [resaon: 'x'])

        then:
        def e = thrown(UserError)
        e.message.contains("unknown option 'resaon:' (did you mean 'reason:'?); options: reason:, ")

        expect:
        WriteOptions.fromMap(WriteAction.OVERRIDE_SET, [mode: 0640]).mode() == '0640'
        WriteOptions.fromMap(WriteAction.VAULT_SET, [mode: 0600]).mode() == '0600'
        WriteOptions.fromMap(WriteAction.OVERRIDE_SET, [mode: 0777]).mode() == '0777'
        WriteOptions.fromMap(WriteAction.OVERRIDE_SET, [mode: '0600']).mode() == '0600'
        WriteOptions.fromMap(WriteAction.OVERRIDE_SET, [timeout: '30s']).timeout().seconds == 30
    }

    def "bad option values are usage errors before anything happens: #what"() {
        when:
        set(['h1'], OVR, m)

        then:
        def e = thrown(UserError)
        e.message.startsWith('setOverride: ')
        fleet.commands.isEmpty()

        where:
        what          | m
        'mode'        | [mode: '0644; reboot']
        'mode decimal'| [mode: 644]     // meant 0644; as a decimal number it would be 01204
        'mode 755'    | [mode: 755]
        'mode -1'     | [mode: -1]
        'mode 6.44'   | [mode: 6.44]
        'owner'       | [owner: 'root;id']
        'path'        | [path: 'relative/path']
        'path nl'     | [path: "/etc/x\n/etc/y"]
    }
}
