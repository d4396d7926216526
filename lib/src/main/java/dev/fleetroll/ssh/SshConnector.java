package dev.fleetroll.ssh;

import dev.fleetroll.util.Durations;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import net.schmizz.sshj.Config;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.method.AuthMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens one authenticated SSHJ connection to a resolved host: TCP connect (or {@code direct-tcpip} through a jump
 * host's connection), key exchange, host-key check, public-key authentication; and turns whatever went wrong into a
 * {@link ConnectFailure} with its {@link Outcome} and a one-line reason.
 *
 * <p>A fair semaphore caps concurrent handshakes. The connect timeout counts the server's silence, not wall time
 * ({@link HandshakeWatch}; time waiting for the cap is not counted), and the watch closes the socket when it fires.
 * Only connect-phase failures are retried, with jittered exponential backoff.
 */
final class SshConnector {
    private static final Logger LOG = LoggerFactory.getLogger(SshConnector.class);
    /** The largest data packet hosts may send us on a channel (OpenSSH and SSHJ default to 32 KiB). */
    static final int CHANNEL_PACKET_BYTES = 16 * 1024;
    /**
     * The least time SSHJ waits for the server to confirm a channel open or close on a live connection (the connect
     * timeout when longer). The start of a command is not bounded by it: {@link ExecSession}.
     */
    static final int CHANNEL_TIMEOUT_FLOOR_MS = 10_000;

    /** The connection of the jump host to go through; asked once per attempt. */
    @FunctionalInterface
    interface JumpHost {
        SSHClient client() throws ConnectFailure.Thrown;
    }

    private final Config config = SshjCrypto.config();
    private final KnownHostsVerifier verifier;
    private final SshAuth auth;
    private final SshjExecutor.Settings settings;
    private final ScheduledExecutorService timer;
    private final Semaphore handshakes;
    private final AtomicLong opened = new AtomicLong();
    private volatile boolean closed;

    SshConnector(KnownHostsVerifier verifier, SshAuth auth, SshjExecutor.Settings settings, ScheduledExecutorService timer) {
        this.verifier = verifier;
        this.auth = auth;
        this.settings = settings;
        this.timer = timer;
        this.handshakes = new Semaphore(Math.max(1, settings.handshakeConcurrency()), true);
    }

    /** Connections opened so far (jump hosts included). */
    long opened() {
        return opened.get();
    }

    /** No more retries after this. */
    void close() {
        closed = true;
    }

    /**
     * A new authenticated connection to {@code rh}, through {@code jump} when not null, retrying connect-phase
     * failures {@code ssh.connect_retries} times; the failure of the last attempt otherwise.
     */
    SSHClient connect(ResolvedHost rh, JumpHost jump) throws ConnectFailure.Thrown {
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                return handshake(rh, jump);
            } catch (ConnectFailure.Thrown e) {
                ConnectFailure f = e.failure;
                if (!f.retryable() || attempt > settings.connectRetries() || closed) {
                    throw f.withAttempts(attempt).thrown();
                }
                long base = Math.max(1, settings.retryBackoff().toMillis()) << Math.min(10, attempt - 1);
                long sleep = (long) (base * (0.5 + ThreadLocalRandom.current().nextDouble()));
                LOG.debug("{}: attempt {} failed ({}); retrying in {} ms", rh.alias(), attempt, f.message(), sleep);
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw f.withAttempts(attempt).thrown();
                }
            }
        }
    }

    /** What one handshake attempt knows about itself, for classifying its failure. */
    private static final class Attempt {
        final HandshakeWatch watch;
        volatile boolean tcpConnected;
        volatile HostKeyCheck hostKeys;
        volatile boolean authenticating;

        Attempt(HandshakeWatch watch) {
            this.watch = watch;
        }
    }

    private SSHClient handshake(ResolvedHost rh, JumpHost jump) throws ConnectFailure.Thrown {
        if (rh.problem() != null) {
            throw ConnectFailure.of(Outcome.UNREACHABLE, rh.problem()).thrown();
        }
        SSHClient jumpClient = jump == null ? null : jump.client();
        try {
            handshakes.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ConnectFailure.of(Outcome.CANCELLED, "interrupted").thrown();
        }
        Duration ct = rh.effectiveConnectTimeout(settings.connectTimeout());
        int ctMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, ct.toMillis()));
        Attempt at = new Attempt(jumpClient != null ? HandshakeWatch.wallClock(ct) : HandshakeWatch.silence(ct));
        int ceilingMs = (int) Math.min(Integer.MAX_VALUE, at.watch.ceiling().toMillis());
        SSHClient client = new SSHClient(config);
        boolean ok = false;
        try {
            client.setConnectTimeout(ctMs);
            // No SO_TIMEOUT and no short SSHJ waits: the watch decides when the server has been silent too long.
            client.setTimeout(0);
            client.getTransport().setTimeoutMs(ceilingMs);
            client.getConnection().getKeepAlive().setKeepAliveInterval(0);
            // SSHJ gives each channel stream (two per command) a buffer of the local maximum packet to start with. Host
            // output is mostly small: 16 KiB halves what every command in flight holds (see docs/ssh-engine.md).
            client.getConnection().setMaxPacketSize(CHANNEL_PACKET_BYTES);
            client.setSocketFactory(new WatchedSocketFactory(at.watch, () -> at.tcpConnected = true));
            String policy = rh.effectiveStrictHostKeyChecking(settings.strictHostKeyChecking());
            at.hostKeys = new HostKeyCheck(verifier, rh, policy);
            client.addHostKeyVerifier(at.hostKeys);
            at.watch.start(timer, () -> {
                Socket s = at.watch.socket();
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // closing is all we want
                    }
                }
                client.getTransport().die(new TransportException("connect timeout"));
            });
            if (jumpClient != null) {
                DirectConnection dc;
                try {
                    dc = jumpClient.newDirectConnection(rh.hostName(), rh.port());
                } catch (OpenFailException e) {
                    throw ConnectFailure.of(Outcome.UNREACHABLE, "jump host " + rh.proxyJump().getLast().alias()
                            + " could not connect to " + rh.hostName() + ":" + rh.port() + ": " + oneLine(e)).thrown();
                }
                at.tcpConnected = true;
                client.connectVia(dc);
            } else {
                // TCP connect and the server's ident line are read by this thread: on a platform one (PlatformIo)
                PlatformIo.run(() -> {
                    client.connect(rh.hostName(), rh.port());
                    return null;
                }, () -> {
                    Socket s = at.watch.socket();
                    if (s != null) {
                        s.close();
                    }
                });
            }
            authenticate(client, rh, at);
            at.watch.stop();
            if (at.watch.verdict() != null) {
                throw new SocketTimeoutException("connect timeout");
            }
            // Pooled connections idle for long: no read timeout on the socket, a bounded wait for channel opens.
            client.getTransport().setTimeoutMs(ctMs);
            client.getConnection().setTimeoutMs(Math.max(ctMs, CHANNEL_TIMEOUT_FLOOR_MS));
            opened.incrementAndGet();
            ok = true;
            LOG.debug("{}: connected ({})", rh.alias(), rh.route());
            return client;
        } catch (ConnectFailure.Thrown e) {
            throw e;
        } catch (Exception e) {
            throw classify(rh, at, e).thrown();
        } finally {
            at.watch.stop();
            handshakes.release();
            if (!ok) {
                disconnectQuietly(client);
            }
        }
    }

    /** Offers the host's keys in OpenSSH's order (agent, then identity files); every refusal is {@code auth-failed}. */
    private void authenticate(SSHClient client, ResolvedHost rh, Attempt at) throws Exception {
        // reading identity files and asking the agent is the client's own work, not server silence
        List<SshAuth.Candidate> candidates = at.watch.busy(() -> auth.candidates(rh));
        String noKey = "no key was accepted for " + rh.user() + "@" + rh.hostName() + " ("
                + auth.describeTried(rh, candidates) + ")";
        if (candidates.isEmpty()) {
            throw ConnectFailure.of(Outcome.AUTH_FAILED, noKey).thrown();
        }
        List<AuthMethod> methods = new ArrayList<>();
        for (SshAuth.Candidate c : candidates) {
            methods.add(new SshAuth.PublicKeyOffer(c));
        }
        at.authenticating = true;
        try {
            client.auth(rh.user(), methods);
        } catch (UserAuthException e) {
            // SSHJ reports a server that stopped answering, and a key that could not sign, as auth failures too
            if (at.watch.verdict() != null || isTimeout(e)) {
                throw classify(rh, at, e).thrown();
            }
            throw ConnectFailure.of(Outcome.AUTH_FAILED,
                    noKey + (e.getCause() == null ? "" : "; " + oneLine(rootCause(e)))).thrown();
        }
    }

    /** Turns a connect-phase exception into an outcome with a one-line reason. */
    private static ConnectFailure classify(ResolvedHost rh, Attempt at, Exception e) {
        String dest = rh.hostName() + ":" + rh.port();
        HandshakeWatch.Verdict timedOut = at.watch.verdict();
        Duration ct = at.watch.budget();
        HostKeyCheck hk = at.hostKeys;
        if (hk != null && hk.refused()) {
            return ConnectFailure.of(Outcome.HOST_KEY_MISMATCH, hk.verdict.message());
        }
        Throwable root = rootCause(e);
        if (root instanceof UnknownHostException) {
            return ConnectFailure.of(Outcome.UNREACHABLE, "cannot resolve " + rh.hostName() + " (DNS)");
        }
        if (root instanceof NoRouteToHostException) {
            return ConnectFailure.of(Outcome.UNREACHABLE, "no route to " + dest);
        }
        if (!at.tcpConnected) {
            if (root instanceof ConnectException) {
                return new ConnectFailure(Outcome.UNREACHABLE, "connection refused by " + dest, true, 1);
            }
            if (root instanceof SocketTimeoutException || timedOut != null) {
                return new ConnectFailure(Outcome.UNREACHABLE,
                        "connect to " + dest + " timed out after " + Durations.format(ct), true, 1);
            }
            return new ConnectFailure(Outcome.UNREACHABLE, "cannot connect to " + dest + ": " + oneLine(root),
                    root instanceof SocketException, 1);
        }
        if (timedOut != null || root instanceof SocketTimeoutException || isTimeout(e)) {
            String what = (at.authenticating ? "authentication" : "SSH handshake") + " with " + dest;
            if (timedOut == HandshakeWatch.Verdict.SILENT) {
                return ConnectFailure.of(Outcome.TIMED_OUT, what + " timed out: connected, but the server sent nothing for "
                        + Durations.format(ct) + " while fleetroll waited for it");
            }
            Duration limit = at.watch.ceiling();
            return ConnectFailure.of(Outcome.TIMED_OUT, what + " did not finish within " + Durations.format(limit)
                    + (limit.equals(ct) ? " (connected, but the server did not answer)"
                            : " (the server kept answering, too slowly)"));
        }
        if (at.authenticating) {
            return ConnectFailure.of(Outcome.AUTH_FAILED,
                    "authentication with " + rh.user() + "@" + dest + " failed: " + oneLine(root));
        }
        if (root instanceof EOFException || root instanceof SocketException || root instanceof IOException
                && String.valueOf(root.getMessage()).toLowerCase(Locale.ROOT).contains("eof")) {
            return new ConnectFailure(Outcome.UNREACHABLE, dest + " closed the connection during the handshake"
                    + " (sshd MaxStartups or a restarting sshd?)", true, 1);
        }
        return ConnectFailure.of(Outcome.UNREACHABLE, "SSH handshake with " + dest + " failed: " + oneLine(root));
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException
                    || String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("timeout expired")) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** The first line of an exception's message (its class name when it has none). */
    static String oneLine(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Closes a connection, ignoring whatever goes wrong. */
    static void disconnectQuietly(SSHClient c) {
        if (c == null) {
            return;
        }
        try {
            c.disconnect();
        } catch (Exception ignored) {
            // best effort
        }
    }
}
