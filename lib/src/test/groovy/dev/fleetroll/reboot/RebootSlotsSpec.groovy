package dev.fleetroll.reboot

import dev.fleetroll.UserError
import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.store.JdbcStore
import dev.fleetroll.store.StoreBackend
import java.nio.file.Path
import java.time.Duration
import java.time.Instant
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import spock.lang.Specification
import spock.lang.TempDir

/**
 * Reboot slots in a real SQLite store: several connections (as several processes would have) share one semaphore.
 * {@link RebootSlotsOnPostgresSpec} runs the same features on PostgreSQL.
 */
class RebootSlotsSpec extends Specification {
    @TempDir
    Path tmp
    List<JdbcStore> stores = []
    String place
    static final Instant T0 = Instant.parse('2026-12-07T06:00:00Z')

    def cleanup() {
        stores*.close()
    }

    StoreBackend backend() {
        StoreBackend.SQLITE
    }

    RebootSlots slots() {
        place = place ?: backend().newPlace(tmp)
        def s = backend().open(place)
        stores << s
        new RebootSlots(s)
    }

    def "connections racing for one slot: exactly one gets it, each round, and giving it back lets the next in"() {
        given: 'four connections to one store, released together by a latch'
        def conns = (1..4).collect { slots() }
        def pool = Executors.newFixedThreadPool(4)

        when:
        List<List<Acquisition>> rounds = []
        3.times { round ->
            def go = new CountDownLatch(1)
            def futures = conns.withIndex().collect { RebootSlots s, int i ->
                pool.submit({
                    go.await()
                    s.acquire('pool-a', 1, "host-$i", "run-$i", "op$i", 'kernel update', SlotHolder.REBOOTING, T0)
                } as java.util.concurrent.Callable<Acquisition>)
            }
            go.countDown()
            def results = futures.collect { it.get(60, TimeUnit.SECONDS) }
            rounds << results
            def winner = results.find { it instanceof Acquisition.Granted } as Acquisition.Granted
            assert conns[0].release(winner.slot().holder(), winner.slot().owner()).released()
        }

        then:
        rounds.every { r -> r.count { it instanceof Acquisition.Granted } == 1 && r.count { it instanceof Acquisition.Full } == 3 }
        rounds.every { r -> (r.find { it instanceof Acquisition.Granted } as Acquisition.Granted).slot().slot() == 0 }
        conns[2].list().isEmpty()

        cleanup:
        pool.shutdownNow()
    }

    def "N slots per group, groups independent; the same holder and owner again gets the same slot; another owner is refused naming the holder"() {
        given:
        def a = slots()
        def b = slots()

        when:
        def g1 = a.acquire('default', 2, 'h1', 'run-1', 'alice', 'r', SlotHolder.REBOOTING, T0)
        def g2 = b.acquire('default', 2, 'h2', 'run-2', 'bob', 'r', SlotHolder.REBOOTING, T0)
        def full = b.acquire('default', 2, 'h3', 'run-2', 'bob', 'r', SlotHolder.REBOOTING, T0)
        def other = b.acquire('talos', 1, 'h4', 'run-2', 'bob', 'r', SlotHolder.REBOOTING, T0)
        def again = a.acquire('default', 2, 'h1', 'run-1', 'alice', 'r', SlotHolder.REBOOTING, T0.plusSeconds(5))
        def second = b.acquire('default', 2, 'h1', 'run-2', 'bob', 'r', SlotHolder.REBOOTING, T0.plusSeconds(9))

        then:
        (g1 as Acquisition.Granted).slot().slot() == 0
        (g2 as Acquisition.Granted).slot().slot() == 1
        full instanceof Acquisition.Full
        (full as Acquisition.Full).holders()*.holder() == ['h1', 'h2']
        (other as Acquisition.Granted).slot().group() == 'talos'
        again instanceof Acquisition.Granted && (again as Acquisition.Granted).retained() && again.slot().slot() == 0
        second instanceof Acquisition.HeldByOther
        (second as Acquisition.HeldByOther).slot().heldBy() ==
                'h1 holds reboot slot 0 of group default since 2026-12-07T06:00:00Z, taken by alice (rebooting)'

        when: 'another owner cannot give it back; the freed slot number is reused'
        def notMine = b.release('h1', 'run-2')
        a.release('h1', 'run-1')
        def g3 = b.acquire('default', 2, 'h3', 'run-2', 'bob', 'r', SlotHolder.REBOOTING, T0)

        then:
        !notMine.released() && notMine.was().holder() == 'h1'
        (g3 as Acquisition.Granted).slot().slot() == 0
        a.list()*.holder() == ['h3', 'h2', 'h4']
    }

    def "a stuck host keeps its slot until released by hand, with a reason, in the audit log"() {
        given:
        def s = slots()
        def log = AuditLog.of(new FleetrollHome(tmp.resolve('home')), 'carol')
        s.acquire('default', 1, 'h1', 'run-1', 'alice', 'kernel', SlotHolder.REBOOTING, T0)
        s.mark('h1', 'run-1', SlotHolder.STUCK, 'ssh: did not come back within 10m', T0.plusSeconds(600))

        expect:
        s.acquire('default', 1, 'h2', 'run-2', 'bob', 'r', SlotHolder.REBOOTING, T0) instanceof Acquisition.Full
        (s.acquire('default', 1, 'h2', 'run-2', 'bob', 'r', SlotHolder.REBOOTING, T0) as Acquisition.Full).allStuck()
        s.list()[0].state() == 'stuck'

        when:
        s.releaseByHand('h1', '  ', log, T0)

        then:
        def e = thrown(UserError)
        e.message.startsWith('releasing a reboot slot needs a one-line reason')
        s.list().size() == 1

        when:
        s.releaseByHand('nope', 'typo', log, T0)

        then:
        e = thrown(UserError)
        e.message == 'nope holds no reboot slot; held by: h1; see fleetroll reboot-slots list'

        when:
        def was = s.releaseByHand('h1', 'PSU replaced, host is back', log, T0.plusSeconds(900))
        def rec = log.read(AuditLog.Filter.ALL).entries()[-1].record()

        then:
        was.actor() == 'alice'
        s.list().isEmpty()
        rec.action() == 'reboot.slot_release' && rec.host() == 'h1' && rec.actor() == 'carol'
        rec.reason() == 'PSU replaced, host is back'
        rec.observed().held_by == 'alice' && rec.observed().state == 'stuck'
    }
}
