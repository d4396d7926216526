package dev.fleetroll.ops

import dev.fleetroll.ops.write.WriteContext;
import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.config.Workspace
import dev.fleetroll.inventory.Inventory
import dev.fleetroll.sandbox.FleetPlan
import dev.fleetroll.sandbox.SandboxFixture
import dev.fleetroll.ssh.BatchListener
import dev.fleetroll.ssh.Cancellation
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.Verdicts
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise
import spock.lang.Timeout

import java.util.concurrent.ConcurrentLinkedQueue

/**
 * {@link RunPuppet} against the sandbox: the hosts' real run-puppet.sh applies branches of the sandbox Puppet
 * repository and writes the run metadata, which the re-audit reads back.
 *
 * <p>Fleet: ms-001 clean, ms-002 override-applied, ms-003 override-pending (its override names a
 * branch the last run did not apply), ms-004 failed-run (the fail-puppet fault is on), and a Mac (unused).
 */
@Stepwise
@Timeout(600)
@Requires({ SandboxFixture.supported() })
class RunPuppetSandboxSpec extends Specification {
    @Shared @AutoCleanup SandboxFixture sandbox = SandboxFixture.start(5)

    Workspace ws
    DefaultFleet fleet
    WriteContext ctx

    def setup() {
        ws = sandbox.workspace()
        fleet = DefaultFleet.open(ws)
        ctx = WriteContext.of(fleet, [USER: 'tester'])
    }

    def cleanup() {
        fleet?.close()
    }

    String host(String shortName) {
        new Inventory(ws).resolve([shortName])[0]
    }

    List<Map> auditRecords(String action) {
        AuditLog.of(ws.home(), 'x').read(AuditLog.Filter.ALL).entries()*.record().findAll { it.action() == action }
                .collect { [host: it.host(), hosts: it.hosts(), ok: it.ok(), outcome: it.outcome(), dryRun: it.dryRun(),
                            observed: it.observed(), parameters: it.parameters()] }
    }

    def "a pending override is applied: exit 2, changes, output kept, audit record without the output, metadata re-audited"() {
        given:
        String h = host('t-linux64-ms-003')
        def seen = new ConcurrentLinkedQueue<PuppetRunResult>()

        when:
        PuppetRunReport r = new RunPuppet(ctx).run([h], new RunPuppet.Options(null, null, 'canary', null),
                WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation(), { seen.add(it) })
        PuppetRunResult one = r.hosts()[0]

        then:
        r.performed()
        one.transport() == Outcome.OK
        one.puppetExit() == 2
        one.ok() && one.changesApplied()
        one.output().contains('run-puppet: Notice: /Stage[main]/Motd/File[/etc/motd]/content: content changed')
        !one.output().contains('EXIT=')
        one.log() != null && one.log().text.contains('content changed')
        seen*.host() == [h]

        and: 'the re-audit read the new metadata: the override now on the host is applied'
        one.observation() != null
        one.observation().ok()
        Verdicts.applied(one.observation().override(), one.observation().puppet())
        one.observation().puppet().exitCode() == 2
        fleet.latest([h])[h].puppet().exitCode() == 2

        and:
        def rec = auditRecords(PuppetRunPlan.AUDIT_ACTION).find { it.host == h }
        rec.ok
        rec.outcome == 'ok'
        rec.observed.puppet_exit == 2
        rec.observed.changes_applied == true
        rec.parameters.command == RunPuppet.DEFAULT_COMMAND
        !rec.toString().contains('content changed')
        r.summary().startsWith('run puppet: 1 host, 1 ok (1 with changes)')
    }

    def "a second run changes nothing: exit 0, ok, no changes"() {
        when:
        PuppetRunReport r = new RunPuppet(ctx).run([host('t-linux64-ms-003')], RunPuppet.Options.DEFAULTS,
                WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation(), null)

        then:
        r.hosts()[0].puppetExit() == 0
        r.hosts()[0].ok()
        !r.hosts()[0].changesApplied()
    }

    def "a failing Puppet run (sandbox fault) is a failure with its exit code and last line; other hosts are unaffected"() {
        when:
        PuppetRunReport r = new RunPuppet(ctx).run([host('t-linux64-ms-002'), host('t-linux64-ms-004')],
                RunPuppet.Options.DEFAULTS, WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation(), null)
        def byHost = r.hosts().collectEntries { [(it.host()): it] }
        PuppetRunResult bad = byHost[host('t-linux64-ms-004')]

        then:
        byHost[host('t-linux64-ms-002')].ok()
        bad.transport() == Outcome.OK
        bad.puppetExit() == 1
        !bad.ok()
        bad.label() == 'failed'
        bad.error().startsWith('puppet exit 1: run-puppet: Error: Could not apply catalog')
        bad.output().contains('Could not apply catalog (sandbox fault')
        r.failed() == [host('t-linux64-ms-004')]
        !r.allOk()
        auditRecords(PuppetRunPlan.AUDIT_ACTION).find { it.host == host('t-linux64-ms-004') }.outcome == 'failed'
    }

    def "an unreachable host is an outcome, recorded in the audit log, not an exception"() {
        given:
        sandbox.stopSshd('t-linux64-ms-001')

        when:
        PuppetRunReport r = new RunPuppet(ctx).run([host('t-linux64-ms-001')], RunPuppet.Options.DEFAULTS,
                WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation(), null)

        then:
        r.hosts()[0].unreachable()
        r.hosts()[0].puppetExit() == null
        r.hosts()[0].label() == 'unreachable'
        r.unreachable() == [host('t-linux64-ms-001')]
        with(auditRecords(PuppetRunPlan.AUDIT_ACTION).findAll { it.host == host('t-linux64-ms-001') }.last()) {
            !ok
            outcome == 'unreachable'
            observed.transport == 'unreachable'
        }

        cleanup:
        sandbox.startSshd('t-linux64-ms-001')
    }

    def "the wrapper runs on a pty; cursor moves, titles and screen clears are removed, colours kept"() {
        given: 'a wrapper that prints escape sequences and says whether it has a terminal'
        String script = '#!/bin/sh\n' +
                'printf \'\\033]0;owned\\007\\033[2J\\033[H\\033(B\\033[31mError: red\\033[0m\\r\\n\'\n' +
                'printf \'progress 10%%\\rprogress 100%%\\n\'\n' +
                '[ -t 1 ] && echo TTY=yes\n' +
                'exit 2\n'
        sandbox.hostShell('t-linux64-ms-002', "cat > /root/colour-puppet.sh && chmod 755 /root/colour-puppet.sh", script)

        when:
        PuppetRunReport r = new RunPuppet(ctx).run([host('t-linux64-ms-002')],
                new RunPuppet.Options('/root/colour-puppet.sh', null, null, false), WriteGate.confirmed('test'),
                BatchListener.NONE, new Cancellation(), null)
        String out = r.hosts()[0].output()

        then:
        r.hosts()[0].puppetExit() == 2
        out.contains('TTY=yes')
        out.contains('\u001b[31mError: red\u001b[0m')
        !out.contains('\u001b]')
        !out.contains('\u001b[2J')
        !out.contains('\u001b[H')
        !out.contains('\u001b(')
        !out.contains('\r')
        out.readLines().contains('progress 100%')
    }

    def "a dry run runs nothing and leaves a dry-run record"() {
        given:
        String h = host('t-linux64-ms-003')
        String before = sandbox.readHostFile('t-linux64-ms-003', '/etc/puppet/last_run_metadata.json')

        when:
        PuppetRunReport r = new RunPuppet(ctx).run([h], RunPuppet.Options.DEFAULTS, WriteGate.dryRun('--dry-run'),
                BatchListener.NONE, new Cancellation(), null)

        then:
        !r.performed()
        r.dryRun()
        r.hosts().isEmpty()
        sandbox.readHostFile('t-linux64-ms-003', '/etc/puppet/last_run_metadata.json') == before
        auditRecords(PuppetRunPlan.AUDIT_ACTION).last().dryRun
    }

    def "a refusing gate throws and runs nothing"() {
        when:
        new RunPuppet(ctx).run([host('t-linux64-ms-003')], RunPuppet.Options.DEFAULTS,
                { p -> new WriteGate.Decision(WriteGate.Verdict.REFUSED, 'no terminal', 'refused: add --confirm') },
                BatchListener.NONE, new Cancellation(), null)

        then:
        WriteRefused e = thrown()
        e.message == 'refused: add --confirm'
        auditRecords(PuppetRunPlan.AUDIT_ACTION).last().outcome == 'refused'
    }
}
