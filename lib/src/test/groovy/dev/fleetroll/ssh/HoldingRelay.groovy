package dev.fleetroll.ssh

import java.util.concurrent.CountDownLatch

/**
 * A TCP relay on 127.0.0.1 in front of a real sshd that can hold back what the server sends, at a point fixed by the
 * protocol's order rather than by time. {@link #holdAnswerToSecondRequest} arms it: the client's next request (on a
 * pooled connection, a channel open) and the server's answer pass; everything the server sends after the client's
 * following request (the exec request) is held until {@link #release}. {@link #held} opens once the hold began.
 * One armed hold at a time, over every connection through the relay.
 */
class HoldingRelay implements Closeable {
    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName('127.0.0.1'))
    private final int target
    private final List<Socket> sockets = Collections.synchronizedList([])
    private final Object lock = new Object()
    /** 0 idle, 1 armed, 2 the client's first request passed, 3 the server answered it, 4 holding. */
    private int state
    private int accepted
    private int armed
    private volatile CountDownLatch held = new CountDownLatch(1)
    private volatile CountDownLatch released = new CountDownLatch(0)

    HoldingRelay(int target) {
        this.target = target
        Thread.startVirtualThread {
            try {
                while (!listener.closed) {
                    Socket c = listener.accept()
                    Socket s = new Socket('127.0.0.1', target)
                    sockets << c << s
                    int id
                    synchronized (lock) {
                        id = ++accepted
                    }
                    Thread.startVirtualThread { pump(c, s, true, id) }
                    Thread.startVirtualThread { pump(s, c, false, id) }
                }
            } catch (IOException ignored) {
                // closed
            }
        }
    }

    int port() {
        listener.localPort
    }

    void holdAnswerToSecondRequest() {
        synchronized (lock) {
            held = new CountDownLatch(1)
            released = new CountDownLatch(1)
            armed = accepted
            state = 1
        }
    }

    /** Opens once the server's bytes are being held. */
    CountDownLatch held() {
        held
    }

    void release() {
        synchronized (lock) {
            state = 0
        }
        released.countDown()
    }

    private void pump(Socket from, Socket to, boolean fromClient, int id) {
        byte[] buf = new byte[16384]
        try {
            InputStream in = from.inputStream
            OutputStream out = to.outputStream
            int n
            while ((n = in.read(buf)) > 0) {
                boolean hold = false
                synchronized (lock) {
                    if (id != armed) {
                        // another connection's traffic
                    } else if (fromClient && state == 1) {
                        state = 2
                    } else if (!fromClient && state == 2) {
                        state = 3
                    } else if (fromClient && state == 3) {
                        state = 4
                        held.countDown()
                    } else if (!fromClient && state == 4) {
                        hold = true
                    }
                }
                if (hold) {
                    released.await()
                }
                out.write(buf, 0, n)
                out.flush()
            }
        } catch (IOException ignored) {
            // either side closed
        } finally {
            from.close()
            to.close()
        }
    }

    @Override
    void close() {
        released.countDown()
        listener.close()
        new ArrayList<>(sockets).each { it.close() }
    }
}
