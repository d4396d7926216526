package dev.fleetroll.ssh

import java.util.concurrent.CountDownLatch
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicReference
import spock.lang.Specification

class PlatformIoSpec extends Specification {
    /** Runs {@code body} on a virtual thread and returns what it returned or threw. */
    static Object onVirtual(Closure body) {
        def out = new AtomicReference()
        Thread.ofVirtual().start { try { out.set(body()) } catch (Throwable t) { out.set(t) } }.join()
        out.get()
    }

    def "from a virtual thread the action runs on a platform thread; from a platform thread, in place"() {
        when:
        def fromVirtual = onVirtual { PlatformIo.run({ Thread.currentThread().isVirtual() } as PlatformIo.IoAction, {} as Closeable) }
        def caller = Thread.currentThread()
        def fromPlatform = PlatformIo.run({ Thread.currentThread() } as PlatformIo.IoAction, {} as Closeable)

        then:
        fromVirtual == false
        fromPlatform.is(caller)
    }

    def "the action's IOException and RuntimeException reach the caller as they are"() {
        expect:
        onVirtual { PlatformIo.run({ throw new IOException('refused') } as PlatformIo.IoAction, {} as Closeable) }.message == 'refused'
        onVirtual { PlatformIo.run({ throw new IllegalStateException('bad') } as PlatformIo.IoAction, {} as Closeable) } instanceof IllegalStateException
    }

    def "an interrupted caller closes the abort handle, which ends the action, and gets an InterruptedIOException"() {
        given:
        def started = new CountDownLatch(1)
        def release = new CountDownLatch(1)
        def closed = new AtomicBoolean()
        def result = new AtomicReference()
        def interruptedAfter = new AtomicBoolean()

        when:
        def t = Thread.ofVirtual().start {
            try {
                PlatformIo.run({ started.countDown(); release.await(); 'finished' } as PlatformIo.IoAction,
                        { closed.set(true); release.countDown() } as Closeable)
            } catch (Throwable e) {
                result.set(e)
                interruptedAfter.set(Thread.currentThread().isInterrupted())
            }
        }
        started.await()
        t.interrupt()
        t.join(5000)

        then:
        result.get() instanceof InterruptedIOException
        closed.get()
        interruptedAfter.get()
    }
}
