package dev.fleetroll.server;

import dev.fleetroll.UserError;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where {@code fleetroll serve} listens: {@code HOST:PORT} ({@code [v6]:PORT} for IPv6). A loopback address is the
 * default and the only one accepted unless remote access is allowed explicitly ({@code --allow-remote}): the UI is
 * read-only, but reads may be open ({@code server.read_auth: false}).
 */
public final class ListenAddress {
    private ListenAddress() {}

    public static InetSocketAddress parse(String text, boolean allowRemote) {
        String t = text == null ? "" : text.strip();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new UserError("--listen: '" + t + "' is not HOST:PORT (e.g. 127.0.0.1:8420)");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new UserError("--listen: the port of '" + t + "' must be a number from 0 to 65535");
        }
        InetAddress addr;
        try {
            addr = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UserError("--listen: cannot resolve '" + host + "'");
        }
        if (!addr.isLoopbackAddress() && !allowRemote) {
            throw new UserError("--listen: " + host + " is not a loopback address; the server binds loopback unless"
                    + " you pass --allow-remote (and then consider server.read_auth: true)");
        }
        return new InetSocketAddress(addr, port);
    }
}
