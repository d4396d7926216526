package dev.fleetroll.ssh;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How many received bytes wait unread in the kernel for a connected TCP socket, from Linux's {@code /proc/net/tcp}
 * ({@code tcp6} for IPv6): the {@code rx_queue} column of the line whose local and remote address and port are the
 * socket's. Read only when a handshake is about to be declared silent, so its cost (one read of the table) is rare.
 */
final class TcpQueue {
    private TcpQueue() {}

    /** Unread bytes, or -1 when unknown (not Linux, not connected, not found). */
    static long unread(Socket s) {
        if (s == null || !s.isConnected() || s.isClosed()) {
            return -1;
        }
        InetAddress local = s.getLocalAddress();
        InetAddress remote = s.getInetAddress();
        if (local == null || remote == null) {
            return -1;
        }
        if (remote instanceof Inet4Address && local instanceof Inet4Address) {
            // a Java socket is usually an IPv6 one (dual stack), listed in tcp6 with IPv4-mapped addresses
            long n = find(Path.of("/proc/net/tcp"), entry(local, s.getLocalPort()) + " " + entry(remote, s.getPort()));
            return n >= 0 ? n : find(Path.of("/proc/net/tcp6"),
                    entry(mapped(local), s.getLocalPort()) + " " + entry(mapped(remote), s.getPort()));
        }
        return find(Path.of("/proc/net/tcp6"), entry(local, s.getLocalPort()) + " " + entry(remote, s.getPort()));
    }

    private static long find(Path table, String key) {
        try (BufferedReader r = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
            return unread(r, key);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The IPv4-mapped IPv6 form (::ffff:a.b.c.d) of an IPv4 address, as 16 bytes. */
    static byte[] mapped(InetAddress v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4.getAddress(), 0, b, 12, 4);
        return b;
    }

    /** Finds {@code key} (local and remote address:port as the table prints them) in the table read by {@code r}. */
    static long unread(BufferedReader r, String key) throws IOException {
        r.readLine(); // header
        for (String line; (line = r.readLine()) != null; ) {
            // "  12: 0100007F:9C40 0500017F:0016 01 00000000:0000002A 00:00000000 ..."
            String t = line.strip();
            int colon = t.indexOf(": ");
            if (colon < 0) {
                continue;
            }
            String rest = t.substring(colon + 2);
            if (!rest.startsWith(key)) {
                continue;
            }
            String[] f = rest.split("\\s+");
            if (f.length < 4) {
                return -1;
            }
            String queues = f[3];
            int sep = queues.indexOf(':');
            return sep < 0 ? -1 : Long.parseLong(queues.substring(sep + 1), 16);
        }
        return -1;
    }

    /** An address and port as /proc/net/tcp prints them: each 32-bit word of the address in host (little-endian) order. */
    static String entry(InetAddress a, int port) {
        return entry(a.getAddress(), port);
    }

    static String entry(byte[] b, int port) {
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < b.length; w += 4) {
            for (int i = 3; i >= 0; i--) {
                sb.append(HexFormat.of().toHexDigits(b[w + i]));
            }
        }
        return sb.toString().toUpperCase(Locale.ROOT) + ":" + String.format(Locale.ROOT, "%04X", port);
    }
}
