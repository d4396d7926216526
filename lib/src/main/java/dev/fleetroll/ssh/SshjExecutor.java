package dev.fleetroll.ssh;

import dev.fleetroll.UserError;
import dev.fleetroll.util.Durations;
import dev.fleetroll.util.Shell;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.SocketFactory;
import net.schmizz.concurrent.Promise;
import net.schmizz.sshj.Config;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.ChannelInputStream;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.Signal;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.method.AuthMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RemoteExecutor} on SSHJ: one pooled connection per host (opened on first use by whichever thread needs it,
 * shared by later commands from any thread, closed after {@code idleClose}), one channel per command.
 *
 * <p>Connecting: a global semaphore caps concurrent handshakes; the connect timeout of TCP connect, key exchange and
 * authentication counts the server's silence, not wall time ({@link HandshakeWatch}: fleetroll's own queueing and a
 * busy CPU never make a healthy host time out), and the watch closes the socket when it fires; TCP_NODELAY is set
 * (loopback and LAN handshakes otherwise stall on delayed ACKs). Only connect-phase failures (refused, reset or closed before the
 * handshake finished, TCP connect timeout) are retried, with jittered exponential backoff. ProxyJump goes through
 * the jump host's own pooled connection ({@code direct-tcpip}), recursively for chains.
 *
 * <p>Commands: stdout and stderr drained concurrently (SSHJ #508), each capped, the rest spilled to a per-host log;
 * stdin written then EOF; {@code asRoot} runs under {@code sudo -n} unless the login user is root; a command timeout
 * or a cancellation sends TERM and closes the channel, never the connection. Nothing a host does escapes as an
 * exception: every result is an {@link ExecResult} with an {@link Outcome}.
 */
public final class SshjExecutor implements RemoteExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(SshjExecutor.class);
    private static final int CHANNELS_PER_HOST = 8;
    private static final int KEEPALIVE_MAX_MISSED = 3;
    /** The pseudo-terminal of a {@link RemoteCommand#pty()} command: wide enough that Puppet does not wrap. */
    private static final String PTY_TERM = "xterm-256color";
    private static final int PTY_COLUMNS = 200;
    private static final int PTY_ROWS = 50;

    /** The ssh settings from configuration that the executor uses. */
    public record Settings(
            int handshakeConcurrency,
            Duration connectTimeout,
            Duration commandTimeout,
            int connectRetries,
            Duration retryBackoff,
            String strictHostKeyChecking,
            Duration keepaliveInterval,
            Duration idleClose,
            long outputCapBytes,
            Path spillDir) {}

    private final SshConfigResolver resolver;
    private final KnownHostsVerifier verifier;
    private final SshAuth auth;
    private final Settings settings;
    private final Config config;
    private final Semaphore handshakes;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicLong connectionsOpened = new AtomicLong();
    private final AtomicLong residentShellsStarted = new AtomicLong();
    private volatile boolean closed;

    public SshjExecutor(SshConfigResolver resolver, KnownHostsVerifier verifier, SshAuth auth, Settings settings) {
        this.resolver = resolver;
        this.verifier = verifier;
        this.auth = auth;
        this.settings = settings;
        this.config = SshjCrypto.config();
        this.handshakes = new Semaphore(Math.max(1, settings.handshakeConcurrency()), true);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleetroll-ssh-timer");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(250, Math.min(tickOf(settings.keepaliveInterval()), tickOf(settings.idleClose()) / 2));
        scheduler.scheduleWithFixedDelay(this::maintain, tick, tick, TimeUnit.MILLISECONDS);
    }

    private static long tickOf(Duration d) {
        return d == null || d.isZero() || d.isNegative() ? 30_000 : Math.min(30_000, d.toMillis());
    }

    /** Connections opened since start (jump hosts included); for tests and diagnostics. */
    public long connectionsOpened() {
        return connectionsOpened.get();
    }

    /** Resident shells started since start (see {@link RemoteCommand#resident()}); for tests and diagnostics. */
    public long residentShellsStarted() {
        return residentShellsStarted.get();
    }

    /** Hosts with an open pooled connection. */
    public int openConnections() {
        return (int) slots.values().stream().filter(s -> s.client != null).count();
    }

    // ================================================================== exec

    @Override
    public ExecResult exec(String host, RemoteCommand command, Cancellation cancellation) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Cancellation cancel = cancellation == null ? Cancellation.none() : cancellation;
        int[] attempts = {0};
        try {
            if (closed) {
                return result(host, Outcome.CANCELLED, null, null, "executor closed", started, t0, 0);
            }
            if (cancel.isCancelled()) {
                return result(host, Outcome.CANCELLED, null, null, cancel.reason(), started, t0, 0);
            }
            ResolvedHost rh;
            try {
                rh = resolver.resolve(host);
            } catch (UserError e) {
                return result(host, Outcome.UNREACHABLE, null, null, e.getMessage(), started, t0, 0);
            }
            Slot slot = slot(host, rh);
            for (int round = 0; ; round++) {
                Connected conn = connection(slot, rh, cancel, attempts);
                if (conn.failure != null) {
                    Failure f = conn.failure;
                    return result(host, f.outcome, null, null, f.message, started, t0, Math.max(attempts[0], f.attempts));
                }
                try {
                    int tries = Math.max(1, attempts[0]);
                    return residentEligible(command)
                            ? runResident(slot, rh, conn.client, command, cancel, started, t0, tries)
                            : run(slot, rh, conn.client, command, cancel, started, t0, tries);
                } catch (StaleConnection e) {
                    // The pooled connection died while idle: open a new one, once.
                    slot.invalidate(conn.client);
                    if (round > 0 || cancel.isCancelled()) {
                        return result(host, Outcome.UNREACHABLE, null, null,
                                "connection lost before the command started: " + oneLine(e.getCause()), started, t0,
                                Math.max(1, attempts[0]));
                    }
                    LOG.debug("{}: pooled connection is dead ({}); reconnecting", host, oneLine(e.getCause()));
                }
            }
        } catch (Throwable e) {
            LOG.debug("{}: unexpected error", host, e);
            return result(host, Outcome.FAILED, null, null, "internal error: " + oneLine(e), started, t0, attempts[0]);
        }
    }

    private static ExecResult result(String host, Outcome outcome, Integer exit, OutputCapture cap, String error,
                                     Instant started, long t0, int attempts) {
        return new ExecResult(host, outcome, exit, cap == null ? new byte[0] : cap.stdout(),
                cap == null ? new byte[0] : cap.stderr(), false, null, error, started,
                Duration.ofNanos(System.nanoTime() - t0), attempts);
    }

    /** The command line sent to the host: {@code sh -c '<script>'}, under {@code sudo -n} when root is needed. */
    public static String commandLine(RemoteCommand command, String loginUser) {
        return sudo(command.asRoot(), loginUser) + "sh -c " + Shell.quote(command.fullScript());
    }

    /** {@code "sudo -n "} when root is needed and the login user is not root, else {@code ""}: the one sudo rule. */
    static String sudo(boolean asRoot, String loginUser) {
        return asRoot && !"root".equals(loginUser) ? "sudo -n " : "";
    }

    /** A resident command without stdin bytes runs in the resident shell (its stdin is the shell's command stream). */
    private static boolean residentEligible(RemoteCommand command) {
        return command.resident() && !command.pty() && (command.stdin() == null || command.stdin().length == 0);
    }

    private static final class StaleConnection extends Exception {
        StaleConnection(Throwable cause) {
            super(cause);
        }
    }

    private ExecResult run(Slot slot, ResolvedHost rh, SSHClient client, RemoteCommand command, Cancellation cancel,
                           Instant started, long t0, int attempts) throws StaleConnection {
        String host = rh.alias();
        if (!acquireChannel(slot, cancel)) {
            return result(host, Outcome.CANCELLED, null, null, cancel.reason(), started, t0, attempts);
        }
        Session session;
        try {
            session = client.startSession();
        } catch (ConnectionException | TransportException e) {
            releaseChannel(slot);
            if (e instanceof OpenFailException of && of.getReason() != null
                    && of.getReason() != OpenFailException.Reason.UNKNOWN) {
                return result(host, Outcome.FAILED, null, null, "session refused by " + host + ": " + oneLine(e),
                        started, t0, attempts);
            }
            throw new StaleConnection(e);
        }
        String line = commandLine(command, rh.user());
        Duration timeout = command.timeout() != null ? command.timeout() : settings.commandTimeout();
        OutputCapture capture = new OutputCapture(host, command.fullScript(), settings.outputCapBytes(), settings.spillDir());
        AtomicReference<Outcome> stopped = new AtomicReference<>();
        AtomicReference<String> stopReason = new AtomicReference<>();
        Session.Command[] cmdRef = new Session.Command[1];
        Runnable stop = () -> {
            Thread.startVirtualThread(() -> {
                Session.Command c = cmdRef[0];
                if (c != null) {
                    try {
                        c.signal(Signal.TERM);
                    } catch (Exception ignored) {
                        // the server may not support signals; closing the channel is what matters
                    }
                    ((ChannelInputStream) c.getInputStream()).eof();
                    ((ChannelInputStream) c.getErrorStream()).eof();
                }
                try {
                    session.close();
                } catch (Exception ignored) {
                    // already closed
                }
            });
        };
        Runnable unregister = cancel.onCancel(() -> {
            if (stopped.compareAndSet(null, Outcome.CANCELLED)) {
                stopReason.set(cancel.reason());
                stop.run();
            }
        });
        ScheduledFuture<?> timer = timeout == null || timeout.isZero() ? null : scheduler.schedule(() -> {
            if (stopped.compareAndSet(null, Outcome.TIMED_OUT)) {
                stopReason.set("command did not finish within " + Durations.format(timeout));
                stop.run();
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        Integer exit = null;
        Signal signal = null;
        Path spill = null;
        String ioError = null;
        try {
            if (command.pty()) {
                session.allocatePTY(PTY_TERM, PTY_COLUMNS, PTY_ROWS, 0, 0, Map.of());
            }
            Session.Command cmd = session.exec(line);
            cmdRef[0] = cmd;
            if (stopped.get() != null) {
                stop.run();
            }
            byte[] stdin = command.stdin();
            Thread stdinWriter = Thread.startVirtualThread(() -> {
                try (OutputStream os = cmd.getOutputStream()) {
                    if (stdin != null && stdin.length > 0) {
                        os.write(stdin);
                        os.flush();
                    }
                } catch (IOException e) {
                    LOG.debug("{}: stdin not fully written: {}", host, e.getMessage());
                }
            });
            AtomicReference<IOException> errFailure = new AtomicReference<>();
            Thread errDrainer = Thread.startVirtualThread(() -> {
                try {
                    capture.drain(cmd.getErrorStream(), true);
                } catch (IOException e) {
                    errFailure.set(e);
                }
            });
            try {
                capture.drain(cmd.getInputStream(), false);
            } catch (IOException e) {
                ioError = oneLine(e);
            }
            errDrainer.join();
            stdinWriter.join(1000);
            if (errFailure.get() != null && ioError == null) {
                ioError = oneLine(errFailure.get());
            }
            if (stopped.get() == null) {
                try {
                    cmd.join(5, TimeUnit.SECONDS);
                } catch (ConnectionException e) {
                    LOG.debug("{}: channel did not close cleanly: {}", host, e.getMessage());
                }
                exit = cmd.getExitStatus();
                signal = cmd.getExitSignal();
            }
            spill = capture.finish();
        } catch (IOException e) {
            ioError = oneLine(e);
            capture.abandon();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.compareAndSet(null, Outcome.CANCELLED);
            stopReason.compareAndSet(null, "interrupted");
            capture.abandon();
        } finally {
            unregister.run();
            if (timer != null) {
                timer.cancel(false);
            }
            if (stopped.get() == null) {
                try {
                    session.close();
                } catch (Exception ignored) {
                    // closed by the server already
                }
            }
            releaseChannel(slot);
        }
        Outcome outcome;
        String error = null;
        if (stopped.get() != null) {
            outcome = stopped.get();
            error = stopReason.get();
        } else if (exit != null && exit == 0) {
            outcome = Outcome.OK;
        } else if (exit != null) {
            outcome = Outcome.FAILED;
            String first = firstLine(capture.stderr());
            error = "exit " + exit + (first.isEmpty() ? "" : ": " + first);
        } else if (signal != null) {
            outcome = Outcome.FAILED;
            error = "killed by signal " + signal;
        } else {
            outcome = Outcome.FAILED;
            error = "connection lost while the command ran" + (ioError == null ? "" : ": " + ioError);
            slot.invalidateIfDead(client);
        }
        return new ExecResult(host, outcome, exit, capture.stdout(), capture.stderr(), capture.truncated(), spill, error,
                started, Duration.ofNanos(System.nanoTime() - t0), attempts);
    }

    // ================================================================== resident shells

    /** One try in a resident shell: its result, whether the shell had run commands before, and whether this one started. */
    private record ResidentTry(ExecResult result, boolean started, boolean shellWasUsed) {}
    // started: the command ran, or may have run (it is never repeated then)

    /** The server refused a session channel (MaxSessions, a forced command...): the command fails, the connection stays. */
    private static final class SessionRefused extends Exception {
        SessionRefused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Runs {@code command} in the connection's resident shell for its root-ness, starting the shell when there is none.
     * When the shell turns out to have died before this command started (the host killed it while idle), a new shell
     * is started and the command tried once more; a command that started is never repeated. When another command holds
     * the shell, this one runs on its own channel.
     */
    private ExecResult runResident(Slot slot, ResolvedHost rh, SSHClient client, RemoteCommand command, Cancellation cancel,
                                   Instant started, long t0, int attempts) throws StaleConnection {
        String host = rh.alias();
        String line = ResidentShell.commandLine(command.asRoot(), rh.user());
        for (int round = 0; ; round++) {
            if (!acquireChannel(slot, cancel)) {
                return result(host, Outcome.CANCELLED, null, null, cancel.reason(), started, t0, attempts);
            }
            ResidentShell shell;
            try {
                shell = residentShell(slot, client, line);
            } catch (StaleConnection | SessionRefused | RuntimeException e) {
                releaseChannel(slot);
                if (e instanceof SessionRefused r) {
                    return result(host, Outcome.FAILED, null, null, "session refused by " + host + ": " + r.getMessage(),
                            started, t0, attempts);
                }
                if (e instanceof StaleConnection s) {
                    throw s;
                }
                throw (RuntimeException) e;
            }
            if (shell == null) {
                releaseChannel(slot);
                LOG.debug("{}: resident shell busy; running on a channel of its own", host);
                return run(slot, rh, client, command.withResident(false), cancel, started, t0, attempts);
            }
            ResidentTry t;
            try {
                t = tryResident(slot, shell, host, command, cancel, started, t0, attempts);
            } finally {
                shell.lock.unlock();
                releaseChannel(slot);
            }
            if (t.started() || cancel.isCancelled()) {
                return t.result();
            }
            if (!alive(client)) {
                throw new StaleConnection(new IOException("connection closed before the command started"));
            }
            if (round > 0 || !t.shellWasUsed()) {
                return t.result();
            }
            LOG.debug("{}: resident shell ended while idle ({}); starting a new one", host, t.result().error());
        }
    }

    /**
     * The connection's resident shell for {@code line}, started and locked by this thread; null when another command
     * holds it. A shell of an earlier connection, or one that died while idle, is dropped and replaced.
     */
    private ResidentShell residentShell(Slot slot, SSHClient client, String line) throws StaleConnection, SessionRefused {
        while (true) {
            ResidentShell cur = slot.resident.get(line);
            if (cur != null) {
                if (cur.client != client) {
                    slot.resident.remove(line, cur);
                    cur.broken = true;
                    continue;
                }
                if (!cur.lock.tryLock()) {
                    return null;
                }
                if (cur.usable()) {
                    return cur;
                }
                slot.resident.remove(line, cur);
                cur.lock.unlock();
                cur.kill(false);
                continue;
            }
            ResidentShell fresh = new ResidentShell(line, client);
            if (slot.resident.putIfAbsent(line, fresh) != null) {
                fresh.lock.unlock();
                continue;
            }
            try {
                fresh.session = client.startSession();
                fresh.command = fresh.session.exec(line);
                residentShellsStarted.incrementAndGet();
                LOG.debug("{}: resident shell started ({})", slot.key, line);
                return fresh;
            } catch (ConnectionException | TransportException e) {
                slot.resident.remove(line, fresh);
                fresh.broken = true;
                fresh.lock.unlock();
                if (fresh.session != null) {
                    fresh.kill(false);
                }
                if (e instanceof OpenFailException of && of.getReason() != null
                        && of.getReason() != OpenFailException.Reason.UNKNOWN) {
                    throw new SessionRefused(oneLine(e));
                }
                throw new StaleConnection(e);
            }
        }
    }

    /** Writes one command to the locked {@code shell} and reads its share of stdout and stderr up to the end markers. */
    private ResidentTry tryResident(Slot slot, ResidentShell shell, String host, RemoteCommand command, Cancellation cancel,
                                    Instant started, long t0, int attempts) {
        boolean wasUsed = shell.commands > 0;
        String token = ResidentShell.token();
        String begin = "FLEETROLL_BEGIN_" + token;
        String end = "FLEETROLL_END_" + token;
        Duration timeout = command.timeout() != null ? command.timeout() : settings.commandTimeout();
        OutputCapture capture = new OutputCapture(host, command.script(), settings.outputCapBytes(), settings.spillDir());
        AtomicReference<Outcome> stopped = new AtomicReference<>();
        AtomicReference<String> stopReason = new AtomicReference<>();
        Runnable unregister = cancel.onCancel(() -> {
            if (stopped.compareAndSet(null, Outcome.CANCELLED)) {
                stopReason.set(cancel.reason());
                shell.kill(true);
            }
        });
        ScheduledFuture<?> timer = timeout == null || timeout.isZero() ? null : scheduler.schedule(() -> {
            if (stopped.compareAndSet(null, Outcome.TIMED_OUT)) {
                stopReason.set("command did not finish within " + Durations.format(timeout));
                shell.kill(true);
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        MarkedInput out = new MarkedInput(shell.stdout(), begin, end, true);
        MarkedInput err = new MarkedInput(shell.stderr(), begin, end, false);
        String ioError = null;
        Path spill = null;
        try {
            String prelude = shell.needs(command.prelude());
            byte[] text = shell.wrap(command.script(), prelude, begin, end);
            try {
                OutputStream os = shell.stdin();
                os.write(text);
                os.flush();
                shell.commands++;
                shell.ran(prelude);
            } catch (IOException e) {
                // the channel is closed: the shell never read a whole command, so nothing of it ran
                shell.kill(false);
                return new ResidentTry(result(host, stopped.get() != null ? stopped.get() : Outcome.FAILED, null, null,
                        stopped.get() != null ? stopReason.get() : "resident shell closed before the command started: "
                                + oneLine(e), started, t0, attempts), false, wasUsed);
            }
            AtomicReference<IOException> errFailure = new AtomicReference<>();
            Thread errDrainer = Thread.startVirtualThread(() -> {
                try {
                    capture.drain(err, true);
                } catch (IOException e) {
                    errFailure.set(e);
                }
            });
            try {
                capture.drain(out, false);
            } catch (IOException e) {
                ioError = oneLine(e);
            }
            errDrainer.join();
            if (errFailure.get() != null && ioError == null) {
                ioError = oneLine(errFailure.get());
            }
            spill = capture.finish();
        } catch (IOException e) {
            ioError = oneLine(e);
            capture.abandon();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (stopped.compareAndSet(null, Outcome.CANCELLED)) {
                stopReason.set("interrupted");
                shell.kill(true);
            }
            capture.abandon();
        } finally {
            unregister.run();
            if (timer != null) {
                timer.cancel(false);
            }
        }
        if (stopped.get() != null) {
            dropResident(slot, shell);
            return new ResidentTry(new ExecResult(host, stopped.get(), null, capture.stdout(), capture.stderr(),
                    capture.truncated(), spill, stopReason.get(), started, Duration.ofNanos(System.nanoTime() - t0),
                    attempts), true, wasUsed);
        }
        if (out.done() && err.done() && out.status() != null && ioError == null) {
            int exit = out.status();
            String error = null;
            Outcome outcome = Outcome.OK;
            if (exit != 0) {
                outcome = Outcome.FAILED;
                String first = firstLine(capture.stderr());
                error = "exit " + exit + (first.isEmpty() ? "" : ": " + first);
            }
            return new ResidentTry(new ExecResult(host, outcome, exit, capture.stdout(), capture.stderr(),
                    capture.truncated(), spill, error, started, Duration.ofNanos(System.nanoTime() - t0), attempts),
                    true, wasUsed);
        }
        // The shell ended (or its streams broke) before this command's end marker: give it up, say how it ended.
        boolean begun = out.begun() || err.begun();
        dropResident(slot, shell);
        Integer exit = null;
        Signal signal = null;
        Session.Command c = shell.command;
        try {
            c.join(2, TimeUnit.SECONDS);
        } catch (ConnectionException e) {
            LOG.debug("{}: resident channel did not close cleanly: {}", host, e.getMessage());
        }
        exit = c.getExitStatus();
        signal = c.getExitSignal();
        shell.kill(false);
        // Not started for sure only when the channel closed in order (exit status or signal came) without a begin
        // line: whatever the shell printed before closing has arrived. A lost connection proves nothing.
        boolean orderly = exit != null || signal != null;
        boolean startedOrUnknown = begun || !orderly;
        String error;
        String how = begun ? "resident shell ended while the command ran" : "resident shell ended before the command started";
        if (!begun && exit != null && exit != 0) {
            String first = firstLine(capture.stderr());
            error = "exit " + exit + (first.isEmpty() ? "" : ": " + first);
        } else if (signal != null) {
            error = how + ": killed by signal " + signal;
        } else if (exit != null) {
            error = how + " (shell exit " + exit + ")";
        } else {
            error = (begun ? "connection lost while the command ran" : how) + (ioError == null ? "" : ": " + ioError);
            slot.invalidateIfDead(shell.client);
        }
        return new ResidentTry(new ExecResult(host, Outcome.FAILED, begun ? null : exit, capture.stdout(), capture.stderr(),
                capture.truncated(), spill, error, started, Duration.ofNanos(System.nanoTime() - t0), attempts),
                startedOrUnknown, wasUsed);
    }

    /** Forgets {@code shell} so the next resident command starts a new one. */
    private static void dropResident(Slot slot, ResidentShell shell) {
        shell.broken = true;
        slot.resident.remove(shell.line, shell);
    }

    /** Claims one of the connection's channels (waiting while they are all in use); false when cancelled first. */
    private static boolean acquireChannel(Slot slot, Cancellation cancel) {
        try {
            while (!slot.channels.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (cancel.isCancelled()) {
                    return false;
                }
            }
            slot.active.incrementAndGet();
            slot.touch();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Gives back a channel claimed by {@link #acquireChannel}; the connection's idle time starts again. */
    private static void releaseChannel(Slot slot) {
        slot.active.decrementAndGet();
        slot.channels.release();
        slot.touch();
    }

    private static String firstLine(byte[] stderr) {
        String s = new String(stderr, StandardCharsets.UTF_8);
        for (String l : s.split("\n")) {
            if (!l.isBlank()) {
                return l.strip();
            }
        }
        return "";
    }

    // ================================================================== the pool

    /** One pooled connection and the state around it. */
    private final class Slot {
        final String key;
        final Semaphore channels = new Semaphore(CHANNELS_PER_HOST, true);
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger dependents = new AtomicInteger();
        /** Resident shells of the current connection, by the command line that started them. */
        final Map<String, ResidentShell> resident = new ConcurrentHashMap<>();
        volatile SSHClient client;
        volatile Slot via;
        volatile long lastUsed = System.nanoTime();
        CompletableFuture<SSHClient> connecting;
        volatile Promise<SSHPacket, ConnectionException> keepalive;
        int missed;

        Slot(String key) {
            this.key = key;
        }

        void touch() {
            lastUsed = System.nanoTime();
            Slot v = via;
            if (v != null) {
                v.touch();
            }
        }

        synchronized void invalidate(SSHClient dead) {
            // resident shells die with their connection
            resident.values().removeIf(r -> {
                if (r.client == dead) {
                    r.broken = true;
                    return true;
                }
                return false;
            });
            if (client == dead) {
                client = null;
                keepalive = null;
                missed = 0;
                Slot v = via;
                via = null;
                if (v != null) {
                    v.dependents.decrementAndGet();
                }
            }
            disconnectQuietly(dead);
        }

        void invalidateIfDead(SSHClient c) {
            if (!alive(c)) {
                invalidate(c);
            }
        }
    }

    private Slot slot(String key, ResolvedHost rh) {
        return slots.computeIfAbsent(key, Slot::new);
    }

    private static boolean alive(SSHClient c) {
        return c != null && c.isAuthenticated() && c.getTransport().isRunning();
    }

    private record Connected(SSHClient client, Failure failure) {}

    /** Why a connection could not be made; {@code retryable} only for connect-phase failures. */
    private record Failure(Outcome outcome, String message, boolean retryable, int attempts) {
        Failure withAttempts(int n) {
            return new Failure(outcome, message, retryable, n);
        }
    }

    private static final class ConnectFailed extends Exception {
        final Failure failure;

        ConnectFailed(Failure failure) {
            super(failure.message, null, false, false);
            this.failure = failure;
        }
    }

    /**
     * The slot's connection, opening it if needed. The handshake runs in its own virtual thread so that a cancelled
     * caller returns at once while the handshake finishes for whoever comes next.
     */
    private Connected connection(Slot slot, ResolvedHost rh, Cancellation cancel, int[] attempts) {
        CompletableFuture<SSHClient> f;
        synchronized (slot) {
            SSHClient c = slot.client;
            if (c != null) {
                if (alive(c)) {
                    return new Connected(c, null);
                }
                slot.client = null;
                Slot v = slot.via;
                slot.via = null;
                if (v != null) {
                    v.dependents.decrementAndGet();
                }
                disconnectQuietly(c);
            }
            if (slot.connecting == null) {
                CompletableFuture<SSHClient> nf = new CompletableFuture<>();
                slot.connecting = nf;
                Thread.startVirtualThread(() -> connectInto(slot, rh, nf));
            }
            f = slot.connecting;
        }
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        Runnable unregister = cancel.onCancel(() -> cancelled.complete(null));
        try {
            CompletableFuture.anyOf(f, cancelled).get();
            if (!f.isDone()) {
                return new Connected(null, new Failure(Outcome.CANCELLED, cancel.reason(), false, 0));
            }
            SSHClient c = f.get();
            attempts[0] = Math.max(attempts[0], 1);
            return new Connected(c, null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConnectFailed cf) {
                attempts[0] = cf.failure.attempts;
                return new Connected(null, cf.failure);
            }
            return new Connected(null, new Failure(Outcome.UNREACHABLE, oneLine(e.getCause()), false, 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Connected(null, new Failure(Outcome.CANCELLED, "interrupted", false, 0));
        } finally {
            unregister.run();
        }
    }

    private void connectInto(Slot slot, ResolvedHost rh, CompletableFuture<SSHClient> future) {
        try {
            Opened opened = connectWithRetries(rh);
            synchronized (slot) {
                slot.connecting = null;
                if (closed) {
                    disconnectQuietly(opened.client);
                    if (opened.via != null) {
                        opened.via.dependents.decrementAndGet();
                    }
                    future.completeExceptionally(new ConnectFailed(new Failure(Outcome.CANCELLED, "executor closed", false, 1)));
                    return;
                }
                slot.client = opened.client;
                slot.via = opened.via;
                slot.missed = 0;
                slot.keepalive = null;
                slot.touch();
            }
            future.complete(opened.client);
        } catch (ConnectFailed e) {
            synchronized (slot) {
                slot.connecting = null;
            }
            future.completeExceptionally(e);
        } catch (Throwable e) {
            synchronized (slot) {
                slot.connecting = null;
            }
            future.completeExceptionally(new ConnectFailed(new Failure(Outcome.UNREACHABLE, oneLine(e), false, 1)));
        }
    }

    private record Opened(SSHClient client, Slot via) {}

    private Opened connectWithRetries(ResolvedHost rh) throws ConnectFailed {
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                return handshake(rh);
            } catch (ConnectFailed e) {
                Failure f = e.failure;
                if (!f.retryable || attempt > settings.connectRetries() || closed) {
                    throw new ConnectFailed(f.withAttempts(attempt));
                }
                long base = Math.max(1, settings.retryBackoff().toMillis()) << Math.min(10, attempt - 1);
                long sleep = (long) (base * (0.5 + ThreadLocalRandom.current().nextDouble()));
                LOG.debug("{}: attempt {} failed ({}); retrying in {} ms", rh.alias(), attempt, f.message, sleep);
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new ConnectFailed(f.withAttempts(attempt));
                }
            }
        }
    }

    /** What one handshake attempt knows about itself, for classifying failures. */
    private static final class Attempt {
        final HandshakeWatch watch;
        volatile boolean tcpConnected;
        volatile HostKeyCheck hostKeys;
        volatile boolean authenticating;

        Attempt(HandshakeWatch watch) {
            this.watch = watch;
        }
    }

    private Opened handshake(ResolvedHost rh) throws ConnectFailed {
        if (rh.problem() != null) {
            throw new ConnectFailed(new Failure(Outcome.UNREACHABLE, rh.problem(), false, 1));
        }
        Slot via = null;
        SSHClient jumpClient = null;
        if (!rh.proxyJump().isEmpty()) {
            ResolvedHost jump = rh.proxyJump().getLast();
            via = slot("jump " + jump.route(), jump);
            Connected jc = connection(via, jump, Cancellation.none(), new int[1]);
            if (jc.failure != null) {
                Failure f = jc.failure;
                throw new ConnectFailed(new Failure(f.outcome == Outcome.CANCELLED ? Outcome.UNREACHABLE : f.outcome,
                        "jump host " + jump.alias() + ": " + f.message, false, 1));
            }
            jumpClient = jc.client;
        }
        try {
            handshakes.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectFailed(new Failure(Outcome.CANCELLED, "interrupted", false, 1));
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
            client.setSocketFactory(new NoDelaySocketFactory(at));
            String policy = rh.effectiveStrictHostKeyChecking(settings.strictHostKeyChecking());
            at.hostKeys = new HostKeyCheck(verifier, rh, policy);
            client.addHostKeyVerifier(at.hostKeys);
            at.watch.start(scheduler, () -> {
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
                    throw new ConnectFailed(new Failure(Outcome.UNREACHABLE, "jump host " + rh.proxyJump().getLast().alias()
                            + " could not connect to " + rh.hostName() + ":" + rh.port() + ": " + oneLine(e), false, 1));
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
            // reading identity files and asking the agent is the client's own work, not server silence
            List<SshAuth.Candidate> candidates = at.watch.busy(() -> auth.candidates(rh));
            String noKey = "no key was accepted for " + rh.user() + "@" + rh.hostName() + " ("
                    + auth.describeTried(rh, candidates) + ")";
            if (candidates.isEmpty()) {
                throw new ConnectFailed(new Failure(Outcome.AUTH_FAILED, noKey, false, 1));
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
                    throw new ConnectFailed(classify(rh, at, e));
                }
                throw new ConnectFailed(new Failure(Outcome.AUTH_FAILED,
                        noKey + (e.getCause() == null ? "" : "; " + oneLine(rootCause(e))), false, 1));
            }
            at.watch.stop();
            if (at.watch.verdict() != null) {
                throw new SocketTimeoutException("connect timeout");
            }
            // Pooled connections idle for long: no read timeout on the socket, a bounded wait for channel opens.
            client.getTransport().setTimeoutMs(ctMs);
            client.getConnection().setTimeoutMs(Math.max(ctMs, 10_000));
            connectionsOpened.incrementAndGet();
            if (via != null) {
                via.dependents.incrementAndGet();
            }
            ok = true;
            LOG.debug("{}: connected ({})", rh.alias(), rh.route());
            return new Opened(client, via);
        } catch (ConnectFailed e) {
            throw e;
        } catch (Exception e) {
            throw new ConnectFailed(classify(rh, at, e));
        } finally {
            at.watch.stop();
            handshakes.release();
            if (!ok) {
                disconnectQuietly(client);
            }
        }
    }

    /** Turns a connect-phase exception into an outcome with a one-line reason. */
    private Failure classify(ResolvedHost rh, Attempt at, Exception e) {
        String dest = rh.hostName() + ":" + rh.port();
        HandshakeWatch.Verdict timedOut = at.watch.verdict();
        Duration ct = at.watch.budget();
        HostKeyCheck hk = at.hostKeys;
        if (hk != null && hk.verdict != null && !hk.verdict.accepted()) {
            return new Failure(Outcome.HOST_KEY_MISMATCH, hk.verdict.message(), false, 1);
        }
        Throwable root = rootCause(e);
        if (root instanceof UnknownHostException) {
            return new Failure(Outcome.UNREACHABLE, "cannot resolve " + rh.hostName() + " (DNS)", false, 1);
        }
        if (root instanceof NoRouteToHostException) {
            return new Failure(Outcome.UNREACHABLE, "no route to " + dest, false, 1);
        }
        if (!at.tcpConnected) {
            if (root instanceof ConnectException) {
                return new Failure(Outcome.UNREACHABLE, "connection refused by " + dest, true, 1);
            }
            if (root instanceof SocketTimeoutException || timedOut != null) {
                return new Failure(Outcome.UNREACHABLE, "connect to " + dest + " timed out after " + Durations.format(ct), true, 1);
            }
            return new Failure(Outcome.UNREACHABLE, "cannot connect to " + dest + ": " + oneLine(root), root instanceof SocketException, 1);
        }
        if (timedOut != null || root instanceof SocketTimeoutException || isTimeout(e)) {
            String what = (at.authenticating ? "authentication" : "SSH handshake") + " with " + dest;
            if (timedOut == HandshakeWatch.Verdict.SILENT) {
                return new Failure(Outcome.TIMED_OUT, what + " timed out: connected, but the server sent nothing for "
                        + Durations.format(ct) + " while fleetroll waited for it", false, 1);
            }
            Duration limit = at.watch.ceiling();
            return new Failure(Outcome.TIMED_OUT, what + " did not finish within " + Durations.format(limit)
                    + (limit.equals(ct) ? " (connected, but the server did not answer)"
                            : " (the server kept answering, too slowly)"), false, 1);
        }
        if (at.authenticating) {
            return new Failure(Outcome.AUTH_FAILED, "authentication with " + rh.user() + "@" + dest + " failed: " + oneLine(root), false, 1);
        }
        if (root instanceof EOFException || root instanceof SocketException || root instanceof IOException
                && String.valueOf(root.getMessage()).toLowerCase(Locale.ROOT).contains("eof")) {
            return new Failure(Outcome.UNREACHABLE, dest + " closed the connection during the handshake"
                    + " (sshd MaxStartups or a restarting sshd?)", true, 1);
        }
        return new Failure(Outcome.UNREACHABLE, "SSH handshake with " + dest + " failed: " + oneLine(root), false, 1);
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

    private static void disconnectQuietly(SSHClient c) {
        if (c == null) {
            return;
        }
        try {
            c.disconnect();
        } catch (Exception ignored) {
            // best effort
        }
    }

    /**
     * Plain sockets with TCP_NODELAY, remembering the socket for the handshake watch, whose streams it watches (the
     * watch counts silence only while a read is blocked and no byte moved).
     */
    private static final class NoDelaySocketFactory extends SocketFactory {
        private final Attempt at;

        NoDelaySocketFactory(Attempt at) {
            this.at = at;
        }

        @Override
        public Socket createSocket() throws IOException {
            Socket s = new Socket() {
                private InputStream in;
                private OutputStream out;

                @Override
                public void connect(SocketAddress endpoint, int timeout) throws IOException {
                    super.connect(endpoint, timeout);
                    at.tcpConnected = true;
                }

                @Override
                public synchronized InputStream getInputStream() throws IOException {
                    if (in == null) {
                        in = at.watch.watch(super.getInputStream());
                    }
                    return in;
                }

                @Override
                public synchronized OutputStream getOutputStream() throws IOException {
                    if (out == null) {
                        out = at.watch.watch(super.getOutputStream());
                    }
                    return out;
                }
            };
            s.setTcpNoDelay(true);
            at.watch.socket(s);
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

    /** Per-connection adapter to the shared verifier; remembers the verdict so failures can be classified. */
    private static final class HostKeyCheck implements HostKeyVerifier {
        private final KnownHostsVerifier verifier;
        private final ResolvedHost rh;
        private final String policy;
        volatile KnownHostsVerifier.Verdict verdict;

        HostKeyCheck(KnownHostsVerifier verifier, ResolvedHost rh, String policy) {
            this.verifier = verifier;
            this.rh = rh;
            this.policy = policy;
        }

        @Override
        public boolean verify(String hostname, int port, PublicKey key) {
            try {
                byte[] blob = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
                String type = KeyType.fromKey(key).toString();
                verdict = verifier.verify(rh.knownHostsName(), rh.port(), rh.hostKeyAlias() != null,
                        rh.userKnownHostsFiles(), rh.globalKnownHostsFiles(), policy, type, blob);
            } catch (RuntimeException e) {
                verdict = new KnownHostsVerifier.Verdict(false, "host key for " + rh.knownHostsName()
                        + " could not be checked: " + oneLine(e));
            }
            return verdict.accepted();
        }

        @Override
        public List<String> findExistingAlgorithms(String hostname, int port) {
            List<Path> all = new ArrayList<>(rh.userKnownHostsFiles());
            all.addAll(rh.globalKnownHostsFiles());
            List<String> algs = new ArrayList<>();
            for (String t : verifier.knownKeyTypes(rh.knownHostsName(), rh.port(), rh.hostKeyAlias() != null, all)) {
                if (t.equals("ssh-rsa")) {
                    algs.add("rsa-sha2-512");
                    algs.add("rsa-sha2-256");
                } else {
                    algs.add(t);
                }
            }
            return algs;
        }
    }

    // ================================================================== maintenance

    /** Idle reaper and keep-alive, on the shared timer thread (work that may block runs on virtual threads). */
    private void maintain() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        long idleNanos = settings.idleClose() == null ? Long.MAX_VALUE : settings.idleClose().toNanos();
        long kaNanos = settings.keepaliveInterval() == null || settings.keepaliveInterval().isZero()
                ? Long.MAX_VALUE : settings.keepaliveInterval().toNanos();
        for (Slot s : slots.values()) {
            SSHClient c;
            synchronized (s) {
                c = s.client;
                if (c == null || s.active.get() > 0) {
                    continue;
                }
                if (!alive(c)) {
                    LOG.debug("{}: pooled connection closed by the server", s.key);
                    Thread.startVirtualThread(() -> s.invalidate(c));
                    continue;
                }
                if (s.dependents.get() == 0 && now - s.lastUsed > idleNanos) {
                    LOG.debug("{}: idle for {}; closing", s.key, Durations.format(settings.idleClose()));
                    Thread.startVirtualThread(() -> s.invalidate(c));
                    continue;
                }
                if (now - s.lastUsed < kaNanos) {
                    continue;
                }
                Promise<SSHPacket, ConnectionException> previous = s.keepalive;
                if (previous != null && !previous.isFulfilled()) {
                    if (++s.missed >= KEEPALIVE_MAX_MISSED) {
                        LOG.debug("{}: {} keep-alives unanswered; closing", s.key, s.missed);
                        Thread.startVirtualThread(() -> s.invalidate(c));
                        continue;
                    }
                } else {
                    s.missed = 0;
                }
            }
            Thread.startVirtualThread(() -> {
                try {
                    s.keepalive = c.getConnection().sendGlobalRequest("keepalive@openssh.com", true, new byte[0]);
                } catch (Exception e) {
                    s.invalidate(c);
                }
            });
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        scheduler.shutdownNow();
        List<Thread> closers = new ArrayList<>();
        for (Slot s : slots.values()) {
            SSHClient c = s.client;
            s.client = null;
            if (c != null) {
                closers.add(Thread.startVirtualThread(() -> disconnectQuietly(c)));
            }
        }
        for (Thread t : closers) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        slots.clear();
        LOG.debug("closed {} connections in {} ms", closers.size(), (System.nanoTime() - t0) / 1_000_000);
    }
}
