package net.schmizz.sshj.transport;

import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * fleetroll's transport reader for SSHJ: the thread that reads a connection's socket and feeds SSHJ's packet
 * decoder. It has SSHJ's class name and package so that SSHJ's {@code TransportImpl} starts it instead of SSHJ's own
 * (the console's jar leaves SSHJ's out; in this module's and the console's class paths this one comes first).
 *
 * <p>Why: SSHJ's reader allocates a receive buffer of the largest packet it accepts, 256 KiB, per connection, and
 * keeps it for the connection's life. A cold round of 500 hosts at fanout 64 holds 16 MiB of them at any time, which
 * fills most of the 24 MiB young generation with live arrays: every young collection copied them into the old
 * generation (7 MiB a collection), the collections took 0.2-0.7 s on a machine busy with the fleet's handshakes
 * (stalling every connection meanwhile), and the old generation grew to 170 MiB of dead buffers. Reading in 16 KiB
 * pieces changes nothing for the decoder, which takes any number of bytes and says how many it needs next.
 */
public final class Reader extends Thread {
    /** The most this reader asks the socket for at once; the buffer it keeps per connection. */
    public static final int RECEIVE_CHUNK = 16 * 1024;

    private final TransportImpl trans;

    public Reader(TransportImpl trans) {
        this.trans = trans;
        setName("sshj-Reader");
        setDaemon(true);
    }

    @Override
    public void run() {
        try {
            Decoder decoder = trans.getDecoder();
            InputStream in = trans.getConnInfo().in;
            byte[] buf = new byte[RECEIVE_CHUNK];
            int need = 1;
            while (!isInterrupted()) {
                int n;
                try {
                    n = in.read(buf, 0, Math.min(need, RECEIVE_CHUNK));
                } catch (SocketTimeoutException e) {
                    if (isInterrupted()) {
                        throw e;
                    }
                    continue;
                }
                if (n == -1) {
                    throw new TransportException("Broken transport; encountered EOF");
                }
                need = decoder.received(buf, n);
            }
        } catch (Exception e) {
            if (!isInterrupted()) {
                trans.die(e);
            }
        }
    }
}
