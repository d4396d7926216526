package dev.fleetroll.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal ssh-agent client (draft-miller-ssh-agent): list identities (11 -> 12) and sign (13 -> 14), over the
 * Unix socket in {@code $SSH_AUTH_SOCK}. Each request uses its own short-lived connection, so any number of threads
 * can sign at once (the agent serves one request at a time per connection).
 */
public final class SshAgentClient {
    static final int REQUEST_IDENTITIES = 11;
    static final int IDENTITIES_ANSWER = 12;
    static final int SIGN_REQUEST = 13;
    static final int SIGN_RESPONSE = 14;
    static final int FAILURE = 5;
    public static final int RSA_SHA2_512 = 4;
    private static final int MAX_MESSAGE = 256 * 1024;

    /** One key the agent holds: its type ({@code ssh-ed25519}), SSH wire blob and comment. */
    public record Identity(String keyType, byte[] blob, String comment) {}

    private final Path socket;

    public SshAgentClient(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    /** The agent's keys, in the agent's order. */
    public List<Identity> identities() throws IOException {
        ByteBuffer reply = request(new byte[] {REQUEST_IDENTITIES});
        int type = reply.get() & 0xff;
        if (type != IDENTITIES_ANSWER) {
            throw new IOException("ssh-agent answered " + type + " to a request for identities");
        }
        int n = reply.getInt();
        List<Identity> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] blob = readString(reply);
            String comment = new String(readString(reply), StandardCharsets.UTF_8);
            ids.add(new Identity(keyType(blob), blob, comment));
        }
        return ids;
    }

    /** Asks the agent to sign {@code data} with the key {@code blob}; returns the SSH signature blob (alg + bytes). */
    public byte[] sign(byte[] blob, byte[] data, int flags) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(blob.length + data.length + 16);
        b.write(SIGN_REQUEST);
        writeString(b, blob);
        writeString(b, data);
        writeInt(b, flags);
        ByteBuffer reply = request(b.toByteArray());
        int type = reply.get() & 0xff;
        if (type == FAILURE) {
            throw new IOException("ssh-agent refused to sign (key removed, or it needs confirmation)");
        }
        if (type != SIGN_RESPONSE) {
            throw new IOException("ssh-agent answered " + type + " to a sign request");
        }
        return readString(reply);
    }

    private ByteBuffer request(byte[] body) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try (ch) {
            return PlatformIo.run(() -> exchange(ch, body), ch);
        }
    }

    private ByteBuffer exchange(SocketChannel ch, byte[] body) throws IOException {
        ch.connect(UnixDomainSocketAddress.of(socket));
        ByteBuffer out = ByteBuffer.allocate(4 + body.length);
        out.putInt(body.length).put(body).flip();
        while (out.hasRemaining()) {
            ch.write(out);
        }
        ByteBuffer len = ByteBuffer.allocate(4);
        readFully(ch, len);
        int n = len.flip().getInt();
        if (n <= 0 || n > MAX_MESSAGE) {
            throw new IOException("ssh-agent sent a message of " + n + " bytes");
        }
        ByteBuffer msg = ByteBuffer.allocate(n);
        readFully(ch, msg);
        return msg.flip();
    }

    private static void readFully(SocketChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new IOException("ssh-agent closed the connection");
            }
        }
    }

    static byte[] readString(ByteBuffer b) throws IOException {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new IOException("malformed ssh-agent message");
        }
        byte[] s = new byte[n];
        b.get(s);
        return s;
    }

    static void writeString(ByteArrayOutputStream b, byte[] s) {
        writeInt(b, s.length);
        b.writeBytes(s);
    }

    static void writeInt(ByteArrayOutputStream b, int v) {
        b.write(v >>> 24);
        b.write(v >>> 16);
        b.write(v >>> 8);
        b.write(v);
    }

    /** The key type named at the start of an SSH public key blob. */
    static String keyType(byte[] blob) {
        if (blob.length < 4) {
            return "";
        }
        int n = ByteBuffer.wrap(blob).getInt();
        if (n < 0 || n > blob.length - 4) {
            return "";
        }
        return new String(blob, 4, n, StandardCharsets.US_ASCII);
    }
}
