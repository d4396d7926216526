package dev.fleetroll.rollout

import dev.fleetroll.UserError
import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.auditlog.AuditRecord
import dev.fleetroll.config.Workspace
import dev.fleetroll.inventory.Inventory
import dev.fleetroll.ops.DefaultFleet
import dev.fleetroll.ops.write.WriteContext
import dev.fleetroll.ops.WriteGate
import dev.fleetroll.ops.write.WriteSource
import dev.fleetroll.sandbox.FleetPlan
import dev.fleetroll.sandbox.SandboxFixture
import dev.fleetroll.ssh.BatchListener
import dev.fleetroll.ssh.Cancellation
import dev.fleetroll.store.SqliteStore
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise
import spock.lang.Timeout

import java.time.Duration
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/**
 * Staged rollouts end to end on a 5-host sandbox (ms-001 clean, ms-002 resolverd-fix applied, ms-003 netperf-tuning
 * pending, ms-004 failed run with the fail-puppet fault on, a Mac with resolverd-fix applied): the real write
 * pipeline, the hosts' run-puppet.sh, a real SQLite store read through a second connection. Features run in order.
 */
@Stepwise
@Timeout(900)
@Requires({ SandboxFixture.supported() })
class RolloutSandboxSpec extends Specification {
    static final String OVERRIDE = FleetPlan.overrideFor(FleetPlan.BRANCH_RESOLVERD)

    @Shared @AutoCleanup SandboxFixture sandbox = SandboxFixture.start(5)

    Workspace ws
    DefaultFleet fleet
    WriteContext ctx
    Rollouts rollouts

    def setup() {
        ws = sandbox.workspace()
        fleet = DefaultFleet.open(ws)
        ctx = WriteContext.of(fleet, [USER: 'alice'])
        rollouts = new Rollouts(ctx, RolloutStore.of(fleet))
    }

    def cleanup() {
        fleet?.close()
    }

    String host(String shortName) {
        new Inventory(ws).resolve([shortName])[0]
    }

    /** The targets in the order the stages take them. */
    List<String> all() {
        ['t-linux64-ms-001', 't-linux64-ms-002', 't-linux64-ms-003', 't-linux64-ms-004', 'macmini-r8-001'].collect { host(it) }
    }

    String overrideOn(String h) {
        sandbox.readHostFile(h, h.contains('macmini') ? '/opt/puppet_environments/ronin_settings' : '/etc/puppet/ronin_settings')
    }

    List<AuditRecord> audit(String action) {
        AuditLog.of(ws.home(), 'x').read(AuditLog.Filter.ALL).entries()*.record().findAll { it.action() == action }
    }

    Rollouts.Definition definition(Map m = [:]) {
        new Rollouts.Definition(m.name ?: 'resolverd', m.targets ?: all(), m.skip ?: [:],
                WriteSource.text(m.override ?: OVERRIDE), m.containsKey('canary') ? m.canary : [host('t-linux64-ms-001')],
                m.batches ?: [BatchSize.count(1), BatchSize.REST], m.gate ?: 'applied=y', m.soak ?: Duration.ZERO,
                m.maxFailures ?: 0, m.containsKey('runPuppet') ? m.runPuppet : true)
    }

    /** Another console: its own store connection. */
    RolloutStatus fromAnotherConsole(String name) {
        def other = SqliteStore.open(ws.home(), ws.config().store())
        try {
            new RolloutStore(other).require(name)
        } finally {
            other.close()
        }
    }

    def "a bad gate is refused before any host is touched"() {
        given:
        long records = audit('override.set').size()

        when:
        rollouts.start(definition(gate: 'aplied=y'), WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation())

        then:
        UserError e = thrown()
        e.message.contains("unknown column 'aplied' at column 1: did you mean 'applied'?")
        audit('override.set').size() == records
        overrideOn(host('t-linux64-ms-001')) == null
    }

    def "a rollout will not start while a target has another override: it names the host, nothing is stored"() {
        when:
        rollouts.start(definition(), WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation())

        then:
        UserError e = thrown()
        e.message.contains('will not start: 1 target has another override: t-linux64-ms-003.sandbox.test')
        e.message.contains('skip them explicitly')
        rollouts.list().isEmpty()
    }

    def "a dry run shows the step and stores nothing"() {
        when:
        RolloutResult r = rollouts.start(definition(skip: [(host('t-linux64-ms-003')): 'netperf canary running']),
                WriteGate.dryRun('--dry-run'), BatchListener.NONE, new Cancellation())

        then:
        r.dryRun()
        r.status() == null
        rollouts.list().isEmpty()
        audit('rollout.start').last().dryRun()
    }

    def "start: the canary gets the override and a Puppet run; the state is in the store for every console"() {
        when:
        RolloutResult r = rollouts.start(definition(skip: [(host('t-linux64-ms-003')): 'netperf canary running']),
                WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation())
        RolloutStatus s = fromAnotherConsole('resolverd')

        then:
        r.ok()
        r.message().contains('canary applied to 1 host')
        s.state() == RolloutState.ACTIVE
        s.plan().skipped().keySet() == [host('t-linux64-ms-003')] as Set
        s.stages()*.hosts() == [[host('t-linux64-ms-001')], [host('t-linux64-ms-002')],
                                [host('t-linux64-ms-004'), host('macmini-r8-001')]]
        s.stages()*.state() == [StageState.APPLIED, StageState.PENDING, StageState.PENDING]
        with(s.hosts()[host('t-linux64-ms-001')]) {
            push() == 'changed'
            priorSha() == null
            puppetExit() == 2
            puppet() == 'ok'
        }
        overrideOn(host('t-linux64-ms-001')) == OVERRIDE
        sandbox.readHostFile(host('t-linux64-ms-001'), '/etc/motd').contains('resolverd-fix')
        s.createdBy() == 'alice'
        s.lease() == null
        audit('rollout.start').last().outcome() == 'started'
    }

    def "while another console holds the lease, advance is told who is at it and changes nothing"() {
        given:
        def other = SqliteStore.open(ws.home(), ws.config().store())
        def bob = new RolloutStore(other)
        String token = bob.acquire('resolverd', 'bob', 'advanced', java.time.Instant.now())

        when:
        rollouts.advance('resolverd', false, null, WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation())

        then:
        RolloutBusy e = thrown()
        e.message.startsWith('rollout resolverd is being advanced by bob since ')
        rollouts.status('resolverd').currentStage() == 0

        cleanup:
        bob.release('resolverd', token)
        other.close()
    }

    def "two advances at once: one wins, the other is told; the stage moves on once"() {
        given: 'each advance holds its first fan-out until the other has finished trying'
        def triedBoth = new CountDownLatch(1)
        def busy = new AtomicInteger()
        def winners = new AtomicInteger()
        def errors = Collections.synchronizedList([])
        def run = {
            def f = DefaultFleet.open(ws)
            try {
                def hold = new BatchListener() {
                    @Override
                    void started(int total) { triedBoth.await(60, TimeUnit.SECONDS) }
                }
                new Rollouts(WriteContext.of(f, [USER: Thread.currentThread().name]), RolloutStore.of(f))
                        .advance('resolverd', false, null, WriteGate.confirmed('test'), hold, new Cancellation())
                winners.incrementAndGet()
            } catch (RolloutBusy e) {
                busy.incrementAndGet()
                triedBoth.countDown()
            } catch (Throwable t) {
                errors << t
                triedBoth.countDown()
            } finally {
                f.close()
            }
        }

        when:
        def threads = (1..2).collect { Thread.start("console-$it", run) }
        threads*.join(300_000)

        then:
        errors.isEmpty()
        winners.get() == 1
        busy.get() == 1
        with(rollouts.status('resolverd')) {
            currentStage() == 1
            stages()[0].state() == StageState.ADVANCED
            stages()[0].advancedBy() ==~ /console-[12]/
            stages()[1].state() == StageState.APPLIED
            hosts()[host('t-linux64-ms-002')].push() == 'unchanged'
            hosts()[host('t-linux64-ms-002')].priorSha() != null
            stages()[0].gate().passed()
        }
    }

    def "a failing host stops the rollout at its gate: paused, the failure named, nothing pushed further"() {
        when: 'stage 1 passes; stage 2 is applied: ms-004 takes the override but its Puppet run fails'
        RolloutResult r = rollouts.advance('resolverd', false, null, WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation())

        then: 'the stage is applied; its problem host is reported, and fails the gate next'
        r.ok()
        r.message().contains('stage 2 applied to 2 hosts (1 with problems)')
        r.status().stages()[2].state() == StageState.APPLIED
        r.status().hosts()[host('t-linux64-ms-004')].puppet() == 'failed'
        r.status().hosts()[host('t-linux64-ms-004')].puppetExit() == 1

        when:
        RolloutResult g = rollouts.advance('resolverd', false, null, WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation())

        then:
        !g.ok()
        g.message().startsWith('rollout resolverd paused at stage 2: gate \'applied=y\': 1/2 hosts pass, 1 fails (max 0): t-linux64-ms-004.sandbox.test (applied=y (is N))')
        g.status().state() == RolloutState.PAUSED
        g.status().stages()[2].state() == StageState.PAUSED
        g.status().hosts()[host('t-linux64-ms-004')].gate() == 'fail'
        with(audit('rollout.advance').last()) {
            !ok()
            outcome() == 'gate-failed'
            parameters().gates.query == 'applied=y'
            observed().gates.failing == [host('t-linux64-ms-004')]
        }

        when: 'advancing a paused rollout without force'
        rollouts.advance('resolverd', false, null, WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation())

        then:
        UserError e = thrown()
        e.message.startsWith('rollout resolverd is paused (gate-failed: stage 2: ')
        e.message.contains('resume it first')
    }

    def "advance --force needs a reason; with one it passes the gate, and the audit log records forced, the reason and the gate state"() {
        when:
        rollouts.advance('resolverd', true, ' ', WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation())

        then:
        UserError e = thrown()
        e.message.contains('needs a reason')

        when:
        RolloutResult r = rollouts.advance('resolverd', true, 'ms-004 has a known disk fault, RELOPS-1',
                WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation())

        then:
        r.ok()
        r.status().state() == RolloutState.COMPLETE
        r.status().stages()[2].forced()
        r.status().stages()[2].reason() == 'ms-004 has a known disk fault, RELOPS-1'
        r.status().events()*.event().contains('advance-forced')
        with(audit('rollout.advance').last()) {
            ok()
            forced()
            outcome() == 'forced'
            reason() == 'ms-004 has a known disk fault, RELOPS-1'
            parameters().gates == [query: 'applied=y', max_failures: 0, soak_s: 0]
            observed().gates.passed == false
            observed().gates.failing == [host('t-linux64-ms-004')]
            actor() == 'alice'
        }
    }

    def "rollback takes the override back where the rollout put it, keeps it where the host had it before, re-runs Puppet"() {
        when:
        RolloutResult r = rollouts.rollback('resolverd', true, 'bad idea', WriteGate.confirmed('test'), BatchListener.NONE,
                new Cancellation())

        then:
        r.status().state() == RolloutState.ROLLED_BACK
        r.status().stages()*.state().every { it == StageState.ROLLED_BACK }
        overrideOn(host('t-linux64-ms-001')) == null
        overrideOn(host('t-linux64-ms-004')) == null
        overrideOn(host('t-linux64-ms-002')) == OVERRIDE
        overrideOn(host('macmini-r8-001')) == OVERRIDE
        overrideOn(host('t-linux64-ms-003')).contains('netperf-tuning')
        sandbox.readHostFile(host('t-linux64-ms-001'), '/etc/motd').contains('master')
        r.status().hosts()[host('t-linux64-ms-001')].push() == 'rolled-back'
        audit('rollout.rollback').last().outcome() == 'rolled-back'

        when:
        rollouts.advance('resolverd', false, null, WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation())

        then:
        UserError e = thrown()
        e.message == 'rollout resolverd is rolled-back: there is nothing to advance'
    }

    def "Ctrl-C mid-stage leaves the stage half-applied and recorded; the next advance applies it again"() {
        given: 'cancel as soon as the push starts (the second fan-out: the first is the audit of the targets)'
        def cancel = new Cancellation()
        def batches = new AtomicInteger()
        def listener = new BatchListener() {
            @Override
            void started(int total) {
                if (batches.incrementAndGet() == 2) {
                    cancel.cancel('interrupted')
                }
            }
        }
        def d = definition(name: 'fin', targets: [host('t-linux64-ms-001')], canary: [], batches: [BatchSize.REST],
                gate: 'reachable=y', runPuppet: false)

        when:
        RolloutResult r = rollouts.start(d, WriteGate.confirmed('test'), listener, cancel)

        then:
        !r.ok()
        r.message().contains('interrupted before it was fully applied')
        r.status().stages()[0].state() == StageState.APPLYING
        r.status().hosts()[host('t-linux64-ms-001')].push() == 'cancelled'
        r.status().lease() == null

        when:
        RolloutResult again = rollouts.advance('fin', false, null, WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation())

        then:
        again.ok()
        again.status().stages()[0].state() == StageState.APPLIED
        again.status().hosts()[host('t-linux64-ms-001')].push() == 'changed'
        overrideOn(host('t-linux64-ms-001')) == OVERRIDE
    }

    def "an unreachable host fails the gate, never passes it; resumed once it is back, the rollout completes and finalizes"() {
        given:
        sandbox.stopSshd('t-linux64-ms-001')

        when:
        RolloutResult r = rollouts.advance('fin', false, null, WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation())

        then:
        !r.ok()
        r.status().state() == RolloutState.PAUSED
        r.gate().hosts()[0].detail().startsWith('not audited: unreachable')

        when:
        sandbox.startSshd('t-linux64-ms-001')
        rollouts.resume('fin')
        RolloutResult done = rollouts.advance('fin', false, null, WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation())

        then:
        done.ok()
        done.status().state() == RolloutState.COMPLETE

        when:
        RolloutResult fin = rollouts.finalizeRollout('fin', 'merged', WriteGate.confirmed('test'), BatchListener.NONE, new Cancellation())

        then:
        fin.ok()
        fin.status().state() == RolloutState.FINALIZED
        overrideOn(host('t-linux64-ms-001')) == null
        sandbox.hostShell('t-linux64-ms-001', 'ls /etc/puppet/ | grep -c "ronin_settings.bak"').stdout().trim().toInteger() >= 1
        audit('rollout.finalize').last().ok()
    }
}
