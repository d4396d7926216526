package dev.fleetroll.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One command's share of a resident shell's stdout or stderr: skips everything up to the line {@code BEGIN}, then
 * returns the bytes up to {@code "\n" + END} and ends there, leaving the shell's stream at the next command. On stdout
 * the end marker is followed by {@code " STATUS\n"} (the command's exit status), on stderr by {@code "\n"}.
 *
 * <p>The shell prints a newline before the end marker, so output without a trailing newline comes through exactly.
 * Bytes that could be the start of the marker are held back until the marker is ruled out. When the stream ends first,
 * the held bytes are returned as data and {@link #ended()} tells what was seen.
 */
final class MarkedInput extends InputStream {
    private static final int MAX_TRAILER = 32;

    enum State {
        /** Looking for the begin line. */
        SEEKING,
        /** Between the begin line and the end marker. */
        DATA,
        /** The end marker (and its trailer) was read. */
        DONE,
        /** The stream ended before the begin line: the command never started. */
        ENDED_BEFORE_BEGIN,
        /** The stream ended after the begin line but before the end marker. */
        ENDED_IN_DATA
    }

    private final InputStream raw;
    private final byte[] begin;
    private final byte[] end;
    private final boolean withStatus;
    private byte[] buf = new byte[4 * 1024]; // grows when a marker straddles a full buffer (see fill)
    private int pos;
    private int lim;
    private State state = State.SEEKING;
    private Integer status;

    /**
     * @param begin the begin token (the line is the token and a newline)
     * @param end the end token (searched as a newline followed by the token)
     * @param withStatus whether a space and a decimal exit status follow the end token (stdout)
     */
    MarkedInput(InputStream raw, String begin, String end, boolean withStatus) {
        this.raw = raw;
        this.begin = (begin + "\n").getBytes(StandardCharsets.US_ASCII);
        this.end = ("\n" + end).getBytes(StandardCharsets.US_ASCII);
        this.withStatus = withStatus;
    }

    State state() {
        return state;
    }

    /** True once the begin line was seen (the shell started the command). */
    boolean begun() {
        return state == State.DATA || state == State.DONE || state == State.ENDED_IN_DATA;
    }

    /** True once the end marker was read. */
    boolean done() {
        return state == State.DONE;
    }

    /** The exit status after the end marker on stdout; null before it or when unreadable. */
    Integer status() {
        return status;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            switch (state) {
                case DONE, ENDED_BEFORE_BEGIN -> {
                    return -1;
                }
                case ENDED_IN_DATA -> {
                    if (pos < lim) {
                        return take(b, off, len, lim - pos);
                    }
                    return -1;
                }
                case SEEKING -> {
                    int at = indexOf(begin);
                    if (at >= 0) {
                        pos = at + begin.length;
                        state = State.DATA;
                        continue;
                    }
                    pos = Math.max(pos, lim - (begin.length - 1)); // keep a possible partial begin line
                    if (!fill()) {
                        state = State.ENDED_BEFORE_BEGIN;
                        pos = lim;
                    }
                }
                case DATA -> {
                    int at = indexOf(end);
                    if (at > pos) {
                        return take(b, off, len, at - pos);
                    }
                    if (at == pos) {
                        pos += end.length;
                        readTrailer();
                        state = State.DONE;
                        return -1;
                    }
                    int safe = lim - pos - (end.length - 1);
                    if (safe > 0) {
                        return take(b, off, len, safe);
                    }
                    if (!fill()) {
                        state = State.ENDED_IN_DATA;
                    }
                }
            }
        }
    }

    private int take(byte[] b, int off, int len, int available) {
        int n = Math.min(len, available);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Reads the rest of the marker line: {@code " STATUS\n"} on stdout, {@code "\n"} on stderr. */
    private void readTrailer() throws IOException {
        StringBuilder t = new StringBuilder();
        while (t.length() <= MAX_TRAILER) {
            if (pos >= lim && !fill()) {
                break;
            }
            char c = (char) (buf[pos++] & 0xff);
            if (c == '\n') {
                break;
            }
            t.append(c);
        }
        if (withStatus) {
            String s = t.toString().strip();
            if (s.matches("\\d{1,9}")) {
                status = Integer.parseInt(s);
            }
        }
    }

    /** Reads more bytes from the raw stream into the buffer; false at its end. */
    private boolean fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        if (lim == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n = raw.read(buf, lim, buf.length - lim);
        if (n < 0) {
            return false;
        }
        lim += n;
        return true;
    }

    private int indexOf(byte[] needle) {
        outer:
        for (int i = pos; i <= lim - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
