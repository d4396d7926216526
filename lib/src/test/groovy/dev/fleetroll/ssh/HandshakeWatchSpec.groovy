package dev.fleetroll.ssh

import java.time.Duration
import spock.lang.Specification

/**
 * The handshake watch on a hand-driven clock and hand-driven streams: silence accrues only while a read is blocked
 * with no byte moved and no client-side step running; nothing here depends on wall time.
 */
class HandshakeWatchSpec extends Specification {
    static final long S = 1_000_000_000L
    long now = 0
    HandshakeWatch watch = HandshakeWatch.forTest(Duration.ofSeconds(10), Duration.ofSeconds(100), { now })

    /** An input stream whose read blocks until the spec hands it bytes; the watch sees the read as blocked. */
    class Feed extends InputStream {
        final java.util.concurrent.LinkedBlockingQueue<Integer> q = new java.util.concurrent.LinkedBlockingQueue<>()
        int read() { q.take() }
    }

    Feed feed = new Feed()
    InputStream watched = watch.watch(feed)
    OutputStream out = watch.watch(new ByteArrayOutputStream())

    HandshakeWatch.Verdict at(long seconds) {
        now = seconds * S
        watch.check(now, new long[1])
    }

    /** Starts a read that stays blocked until {@link #deliver}; returns once the watch counts it as blocked. */
    Thread blockedRead() {
        def reading = new java.util.concurrent.CountDownLatch(1)
        def t = Thread.start {
            reading.countDown()
            watched.read()
        }
        reading.await()
        while (t.state != Thread.State.WAITING) {
            Thread.onSpinWait()
        }
        t
    }

    void deliver(Thread reader) {
        feed.q.put(1)
        reader.join()
    }

    def "a server that never answers a blocked read is silent after the budget"() {
        given:
        out.write('SSH-2.0-fleetroll\r\n'.bytes)
        blockedRead()

        expect:
        at(9) == null
        at(10) == HandshakeWatch.Verdict.SILENT
    }

    def "no silence accrues while the client works (no read blocked), however long it takes"() {
        expect: 'nothing read yet: the client is still connecting or computing'
        at(50) == null
        at(99) == null

        and: 'only the ceiling ends it'
        at(100) == HandshakeWatch.Verdict.CEILING
    }

    def "every byte in or out starts the count again"() {
        given:
        def r = blockedRead()

        expect:
        at(8) == null

        when: 'the server answers at 8 s; the client answers at 15 s and reads again'
        deliver(r)
        now = 15 * S
        out.write(1)
        blockedRead()

        then: 'silence counts from 15 s'
        at(24) == null
        at(25) == HandshakeWatch.Verdict.SILENT
    }

    def "a client-side step (reading keys, asking the agent) stops the count while it runs"() {
        given:
        blockedRead()

        when:
        now = 5 * S
        watch.busy { now = 40 * S; 'done' }

        then: 'the step ended at 40 s: silence from there'
        at(45) == null
        at(49) == null
        at(50) == HandshakeWatch.Verdict.SILENT
    }

    def "after stop nothing fires and the streams stop counting"() {
        given:
        blockedRead()
        watch.stop()

        expect:
        at(500) == null
    }

    def "a jump-host watch is plain wall time from the start"() {
        given:
        def w = HandshakeWatch.wallClock(Duration.ofSeconds(3))

        expect:
        w.ceiling() == Duration.ofSeconds(3)
        w.check(System.nanoTime() + 4 * S, new long[1]) == HandshakeWatch.Verdict.CEILING
    }

    def "the ceiling is ten budgets, at least a minute"() {
        expect:
        HandshakeWatch.ceilingFor(Duration.ofSeconds(10)) == Duration.ofSeconds(100)
        HandshakeWatch.ceilingFor(Duration.ofSeconds(2)) == Duration.ofMinutes(1)
    }
}
