package dev.fleetroll.reboot

import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.auditlog.AuditRecord
import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.ops.DefaultFleet
import dev.fleetroll.ops.WriteGate
import dev.fleetroll.sandbox.SandboxFixture
import java.time.Clock
import java.time.Duration
import java.time.Instant
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

/**
 * Reboots of real sandbox hosts: the ssh rung runs the host's {@code reboot} over SSH, the ladder sees the host's
 * uptime restart, slots are held in the workspace's store. Fake rungs stand only where a BMC would be (a rung that
 * powers a halted host on, a terminal rung that hands the host over).
 */
@Stepwise
@Requires({ SandboxFixture.supported() })
class RebootLadderSandboxSpec extends Specification {
    @Shared @AutoCleanup SandboxFixture fleet = SandboxFixture.start(3)
    @Shared @AutoCleanup DefaultFleet df
    @Shared String h1, h2, h3
    /** Generous ceilings only: the verdicts come from the host's uptime and the sandbox's boot counter. */
    static final Duration BACK_WITHIN = Duration.ofSeconds(120)
    static final Duration POLL = Duration.ofSeconds(1)

    def setupSpec() {
        df = DefaultFleet.open(fleet.workspace())
        (h1, h2, h3) = fleet.hosts()*.name()
        df.audit([h1, h2, h3], dev.fleetroll.ssh.BatchListener.NONE, null)
    }

    AuditLog log(String actor) {
        AuditLog.of(fleet.fleetrollHome(), actor)
    }

    Reboots reboots(String actor, List<RebootStep> rungs, int slots = 1, Map<String, Duration> deadlines = [:]) {
        def ladder = new RebootLadder(df, rungs, log(actor), Clock.systemUTC(), BACK_WITHIN, POLL)
        deadlines.each { k, v -> ladder.withDeadline(k, v) }
        new Reboots(RebootSlots.of(df), new RebootGroups(new FleetrollConfig.Reboot(slots, BACK_WITHIN, POLL, [:])),
                ladder, log(actor), Clock.systemUTC(), POLL, 8)
    }

    List<AuditRecord> records(String action) {
        log('reader').read(new AuditLog.Filter(null, action, null)).entries()*.record()
    }

    def "ssh reboot of two hosts through one slot: each seen back by its uptime restart, one at a time, slots given back"() {
        given:
        def boots = [h1, h3].collectEntries { [it, fleet.boots(it)] }

        when:
        def report = reboots('alice', [new SshReboot(df)]).run([h1, h3], 'kernel 6.12', null, WriteGate.confirmed('test'), null)

        then: 'both came back after the ssh rung, and the sandbox counted one more boot of each'
        report.results()*.outcome() == ['came-back', 'came-back']
        report.results().every { it.climb().lastRung() == 'ssh' }
        [h1, h3].every { fleet.boots(it) == boots[it] + 1 }
        RebootSlots.of(df).list().isEmpty()

        and: 'the audit log has each rung and each end; the second host climbed only after the first gave its slot back'
        def rungs = records('host.reboot').findAll { !it.dryRun() }
        rungs*.host() as Set == [h1, h3] as Set
        rungs.every { it.outcome() == 'came-back' && it.parameters().rung == 'ssh' && it.actor() == 'alice' && it.ok() }
        def done = records('reboot.done')
        done.size() == 2 && done.every { it.outcome() == 'came-back' && it.parameters().slot == 0 }
        def firstBack = rungs.find { it.host() == done[0].host() }
        def secondRung = rungs.find { it.host() != done[0].host() }
        !Instant.parse(secondRung.observed().started as String).isBefore(firstBack.ts())
    }

    def "a halted host: ssh cannot reach it, the next rung (a stand-in BMC powering it on) brings it back"() {
        given:
        fleet.powerOff(h3)
        def bmc = new RebootStep() {
            String name() { 'test-power-on' }
            boolean appliesTo(String host) { true }
            String attempt(String host, String reason) { fleet.powerOn(host); "powered $host on" }
        }

        when:
        def r = reboots('alice', [new SshReboot(df), bmc]).run([h3], 'hung', null, WriteGate.confirmed('test'), null).results()[0]

        then:
        r.outcome() == 'came-back'
        r.climb().attempts()*.rung() == ['ssh', 'test-power-on']
        r.climb().attempts()*.outcome() == ['failed', 'came-back']
        r.climb().attempts()[0].detail().startsWith("ssh reboot on $h3: unreachable")
        !r.climb().attempts()[1].bootedAt().isBefore(r.climb().attempts()[1].started())
        RebootSlots.of(df).list().isEmpty()
    }

    def "a host that never comes back keeps its slot, the climb ends naming it; a second operator is refused"() {
        given: 'h2 stays down for an hour after its own reboot'
        fleet.setRebootDelay(h2, Duration.ofHours(1))
        def bug = new RebootStep() {
            String name() { 'test-bug' }
            boolean appliesTo(String host) { true }
            boolean terminal() { true }
            String attempt(String host, String reason) { "filed BUG-1 for $host: $reason" }
        }

        when:
        def report = reboots('alice', [new SshReboot(df), bug], 1, [ssh: Duration.ofSeconds(6)])
                .run([h2], 'kernel 6.12', null, WriteGate.confirmed('test'), null)
        def r = report.results()[0]

        then:
        r.outcome() == 'not-back'
        r.climb().attempts()*.outcome() == ['not-back', 'handed-over']
        r.detail().contains("keeps reboot slot 0 of group default until fleetroll reboot-slots release $h2 --reason TEXT")
        report.stuck() == [h2]
        with(RebootSlots.of(df).list()) {
            size() == 1
            it[0].holder() == h2 && it[0].state() == 'stuck' && it[0].actor() == 'alice'
            it[0].detail().startsWith('not back; handed over by test-bug: filed BUG-1')
        }

        when: 'bob reboots the same host'
        def bobs = reboots('bob', [new SshReboot(df)], 2).run([h2], 'retry', null, WriteGate.confirmed('test'), null).results()[0]

        then:
        bobs.outcome() == 'refused'
        bobs.detail() ==~ /refused: ${h2} holds reboot slot 0 of group default since \S+Z, taken by alice \(stuck: .*\); wait for it, or free it with fleetroll reboot-slots release ${h2} --reason TEXT/

        when: 'with that slot stuck and one slot in the group, another host is not rebooted at all'
        def blocked = reboots('bob', [new SshReboot(df)]).run([h1], 'patch', null, WriteGate.confirmed('test'), null).results()[0]

        then:
        blocked.outcome() == 'no-slot'
        blocked.detail().contains("held by hosts that did not come back ($h2)")

        when:
        RebootSlots.of(df).releaseByHand(h2, 'host re-imaged', log('carol'), Instant.now())

        then:
        RebootSlots.of(df).list().isEmpty()
        records('reboot.slot_release')[-1].actor() == 'carol'
    }

    def "a dry run plans without touching a host or a slot, and is audited"() {
        when:
        def report = reboots('alice', [new SshReboot(df)], 5).run([h1, h3], 'kernel', 2, WriteGate.dryRun('no --confirm'), null)

        then:
        !report.performed()
        report.plan().groups() == [(h1): 'default', (h3): 'default']
        report.plan().slots() == [default: 5]
        report.plan().rungs()[h1] == ['ssh']
        report.plan().fanout() == 2
        RebootSlots.of(df).list().isEmpty()
        records('host.reboot')[-1].dryRun()
    }
}
