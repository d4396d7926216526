package dev.fleetroll.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;

/**
 * The sockets of one handshake attempt: TCP_NODELAY (loopback and LAN handshakes otherwise stall on delayed ACKs),
 * streams wrapped by the attempt's {@link HandshakeWatch} (which counts silence only while a read is blocked and no
 * byte moved; the input buffered by {@link SocketInput} below the watch), the socket handed to the watch (to close
 * it, and to ask the kernel for unread bytes), and the moment TCP connected noted (a failure before it is a connect
 * failure, after it a handshake failure).
 */
final class WatchedSocketFactory extends SocketFactory {
    private final HandshakeWatch watch;
    private final Runnable onTcpConnected;

    WatchedSocketFactory(HandshakeWatch watch, Runnable onTcpConnected) {
        this.watch = watch;
        this.onTcpConnected = onTcpConnected;
    }

    @Override
    public Socket createSocket() throws IOException {
        Socket s = new Socket() {
            private InputStream in;
            private OutputStream out;

            @Override
            public void connect(SocketAddress endpoint, int timeout) throws IOException {
                super.connect(endpoint, timeout);
                onTcpConnected.run();
            }

            @Override
            public synchronized InputStream getInputStream() throws IOException {
                if (in == null) {
                    in = watch.watch(new SocketInput(super.getInputStream()));
                }
                return in;
            }

            @Override
            public synchronized OutputStream getOutputStream() throws IOException {
                if (out == null) {
                    out = watch.watch(super.getOutputStream());
                }
                return out;
            }
        };
        s.setTcpNoDelay(true);
        watch.socket(s);
        return s;
    }

    @Override
    public Socket createSocket(String host, int port) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
        throw new UnsupportedOperationException();
    }
}
