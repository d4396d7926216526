package dev.fleetroll.ssh

import spock.lang.Specification

class SocketInputSpec extends Specification {
    /** A socket's input as the kernel hands it out: each read returns at most what one arrival holds. */
    static class Arrivals extends InputStream {
        final List<byte[]> chunks
        final List<Integer> asked = []
        int chunk
        int pos

        Arrivals(List<String> chunks) {
            this.chunks = chunks.collect { it.getBytes('ISO-8859-1') }
        }

        @Override
        int read() {
            throw new AssertionError('single-byte reads must not reach the socket')
        }

        @Override
        int read(byte[] b, int off, int len) {
            asked << len
            if (chunk == chunks.size()) {
                return -1
            }
            byte[] c = chunks[chunk]
            int n = Math.min(len, c.length - pos)
            System.arraycopy(c, pos, b, off, n)
            pos += n
            if (pos == c.length) {
                chunk++
                pos = 0
            }
            n
        }

        @Override
        int available() {
            chunk == chunks.size() ? 0 : chunks[chunk].length - pos
        }
    }

    static String line(InputStream in) {
        def sb = new StringBuilder()
        int b
        while ((b = in.read()) >= 0) {
            sb.append((char) b)
            if (b == '\n' as char) {
                break
            }
        }
        sb.toString()
    }

    def "an ident line read a byte at a time costs one socket read, and the bytes after it stay for the next reader"() {
        given:
        def socket = new Arrivals(['SSH-2.0-OpenSSH_9.2p1 Debian\r\n' + 'KEXINIT-bytes'])
        def in = new SocketInput(socket)
        def rest = new byte[64]

        expect:
        line(in) == 'SSH-2.0-OpenSSH_9.2p1 Debian\r\n'
        socket.asked == [SocketInput.SIZE]

        and: 'a packet read gets what is buffered, without another socket read'
        in.read(rest, 0, 64) == 13
        new String(rest, 0, 13, 'ISO-8859-1') == 'KEXINIT-bytes'
        socket.asked.size() == 1

        and: 'then the end of the stream'
        in.read() == -1
        in.read(rest, 0, 64) == -1
    }

    def "a small read takes one arrival whole; the next small reads come from the buffer"() {
        given:
        def socket = new Arrivals(['A' * 16 + 'B' * 36, 'C' * 16])
        def in = new SocketInput(socket)
        def buf = new byte[64]

        expect: 'the cipher block, then the rest of the packet: one socket read'
        in.read(buf, 0, 16) == 16
        in.read(buf, 0, 36) == 36
        new String(buf, 0, 36, 'ISO-8859-1') == 'B' * 36
        socket.asked == [SocketInput.SIZE]

        and: 'a read never waits for more than one arrival: a short count, as the socket would give'
        in.read(buf, 0, 64) == 16
        socket.asked == [SocketInput.SIZE, SocketInput.SIZE]
    }

    def "a read as large as the buffer gets the buffered bytes alone, then goes straight to the socket"() {
        given:
        def big = 'x' * (SocketInput.SIZE * 2)
        def socket = new Arrivals(['head', big, big])
        def in = new SocketInput(socket)
        def buf = new byte[big.length()]

        expect: 'a small read fills the buffer'
        in.read(buf, 0, 2) == 2
        socket.asked == [SocketInput.SIZE]

        and: 'a large read gets what is buffered, with no socket read behind it'
        in.read(buf, 0, buf.length) == 2
        socket.asked == [SocketInput.SIZE]

        and: 'with nothing buffered, the large read is the caller own, into the caller buffer'
        in.read(buf, 0, buf.length) == big.length()
        socket.asked == [SocketInput.SIZE, big.length()]
        new String(buf, 'ISO-8859-1') == big
    }

    def "available counts the buffered bytes and what the socket holds"() {
        given:
        def socket = new Arrivals(['abcdef', 'ghij'])
        def in = new SocketInput(socket)

        when:
        in.read()

        then:
        in.available() == 5 + 4
    }
}
