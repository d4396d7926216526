package dev.fleetroll.server

import dev.fleetroll.store.FileScannerLease
import java.nio.file.Path
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import spock.lang.Specification
import spock.lang.TempDir

/**
 * One scanner per store: two real servers on one SQLite store (each with its own store connection and lease, as two
 * processes would have); the second serves read-only until the first stops, then takes over. Waits are on the
 * scanners' events, with generous ceilings only.
 */
class ScannerLeaseSpec extends Specification {
    @TempDir
    Path tmp

    /** Records a server's scanner events in order. */
    static class Events implements Scanner.Listener {
        final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>()

        void roleChanged(Scanner.Role role) {
            queue.add('role ' + role)
        }

        void scanned(Scanner.Kind kind, boolean ok) {
            queue.add('scan ' + kind.label() + ' ' + ok)
        }

        /** The next event, waiting at most 60 s (a ceiling, never a verdict of speed). */
        String next() {
            def e = queue.poll(60, TimeUnit.SECONDS)
            assert e != null: 'no scanner event within 60 s'
            e
        }
    }

    def "a file lease excludes a second holder until the first gives it up"() {
        given:
        def file = tmp.resolve('db.scanner.lock')
        def a = new FileScannerLease(file)
        def b = new FileScannerLease(file)

        expect:
        a.tryAcquire()
        a.tryAcquire()
        a.held()
        !b.tryAcquire()
        !b.held()

        when:
        a.close()
        a.close()

        then:
        !a.held()
        b.tryAcquire()
        !a.tryAcquire()

        cleanup:
        a?.close()
        b?.close()
    }

    def "the SQLite store's lease is a lock file beside the database"() {
        given:
        def f = new ServerFixture(tmp)

        when:
        def lease = f.fleet.store().scannerLease()

        then:
        lease.is(f.fleet.store().scannerLease())
        lease instanceof FileScannerLease
        ((FileScannerLease) lease).file() == f.fleet.store().file().resolveSibling('fleetroll.db.scanner.lock')

        cleanup:
        f?.close()
    }

    def "two servers on one store: one scans, the other serves read-only and takes over when the first stops"() {
        given: 'both point at one FLEETROLL_HOME; audits every 1h (the store is empty, so an audit touches no host)'
        def config = '  scan: {audit_every: 1h, tc_every: 0s, gh_every: 0s, lease_retry: 100ms}'
        def first = new ServerFixture(tmp, config)
        def firstEvents = new Events()
        first.start(firstEvents)

        expect: 'the first takes the lease and runs its audit'
        firstEvents.next() == 'role SCANNER'
        firstEvents.next() == 'scan audit true'

        when: 'a second server starts on the same store'
        def second = new ServerFixture(tmp, config)
        def secondEvents = new Events()
        second.start(secondEvents)

        then: 'it stands by and serves'
        secondEvents.next() == 'role STANDBY'
        second.get('/healthz').body().contains('"scanner":"standby"')
        first.get('/healthz').body().contains('"scanner":"scanner"')
        second.get('/api/v1/hosts').statusCode() == 200

        when: 'the first stops'
        first.close()

        then: 'the second takes the lease over and scans'
        firstEvents.next() == 'role STOPPED'
        secondEvents.next() == 'role SCANNER'
        secondEvents.next() == 'scan audit true'
        second.get('/healthz').body().contains('"scanner":"scanner"')
        second.get('/metrics').body().contains('fleetroll_scans_total{kind="audit",result="ok"} 1')

        and: 'while it stood by it never scanned'
        secondEvents.queue.isEmpty()

        cleanup:
        first?.close()
        second?.close()
    }
}
