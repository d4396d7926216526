package dev.fleetroll.ssh;

import java.io.IOException;
import java.io.InputStream;

/**
 * A small read buffer in front of a connection's socket. SSHJ reads the server's ident line one byte per call and
 * each packet in two calls (its first cipher block, then the rest): unbuffered, that was ~125 read system calls per
 * cold audit, ~45 of them for the ident alone. Here one read takes whatever the kernel holds, up to the buffer; a
 * request the buffer cannot help with (empty buffer, a large read) goes straight to the socket.
 *
 * <p>Never reads ahead beyond what the kernel already has (one read call, no loop), so a read blocks only when the
 * caller's would have, and {@link HandshakeWatch}'s silence rule still holds: while a read blocks, this buffer is
 * empty and every byte the server sent is in the kernel. One reader at a time (SSHJ's ident read, then its reader
 * thread); not thread-safe.
 */
final class SocketInput extends InputStream {
    /** Holds the ident line and the key exchange's first packet (~1.1 KiB) with room to spare. */
    static final int SIZE = 2048;

    private final InputStream in;
    private byte[] buf;
    private int pos;
    private int end;

    SocketInput(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        if (pos == end && fill() <= 0) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == end) {
            if (len >= SIZE) {
                return in.read(b, off, len);
            }
            if (fill() <= 0) {
                return -1;
            }
        }
        int n = Math.min(len, end - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /** One read from the socket into the empty buffer: the count, or -1 at the end of the stream. */
    private int fill() throws IOException {
        if (buf == null) {
            buf = new byte[SIZE];
        }
        int n = in.read(buf, 0, SIZE);
        pos = 0;
        end = Math.max(n, 0);
        return n;
    }

    @Override
    public int available() throws IOException {
        return (end - pos) + in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
