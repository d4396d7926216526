package dev.fleetroll.ssh;

import dev.fleetroll.util.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.schmizz.concurrent.Event;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.ChannelInputStream;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.Signal;
import net.schmizz.sshj.transport.TransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command on a pooled connection and turns what happened into an {@link ExecResult}: on a session channel of
 * its own ({@code sh -c SCRIPT}, stdin written then EOF, optionally on a pseudo-terminal), or in the connection's
 * {@link ResidentShell} (see docs/ssh-engine.md, "Resident shells").
 *
 * <p>Both ways share one copy of the parts that decide a command's fate: the {@link Stopper} (cancellation and the
 * command timeout send TERM and close the channel, never the connection; the first of them is the outcome),
 * {@link #drain} (stdout on the calling thread, stderr on a virtual thread, concurrently: SSHJ #508; each capped by
 * {@link OutputCapture}) and {@link #exitError} (exit status N is {@code failed}, named with the first stderr line).
 */
final class ChannelRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelRunner.class);
    /** The pseudo-terminal of a {@link RemoteCommand#pty()} command: wide enough that Puppet does not wrap. */
    private static final String PTY_TERM = "xterm-256color";
    private static final int PTY_COLUMNS = 200;
    private static final int PTY_ROWS = 50;

    private final SshjExecutor.Settings settings;
    private final ScheduledExecutorService timer;
    private final AtomicLong residentShellsStarted = new AtomicLong();

    ChannelRunner(SshjExecutor.Settings settings, ScheduledExecutorService timer) {
        this.settings = settings;
        this.timer = timer;
    }

    /** Resident shells started so far. */
    long residentShellsStarted() {
        return residentShellsStarted.get();
    }

    /** The pooled connection died while idle (before the command started): the caller opens a new one, once. */
    static final class StaleConnection extends Exception {
        StaleConnection(Throwable cause) {
            super(cause);
        }
    }

    /** One command's host, start and handshake attempts: what every {@link ExecResult} of it carries. */
    record Job(String host, Instant started, long t0, int attempts) {
        static Job start(String host) {
            return new Job(host, Instant.now(), System.nanoTime(), 0);
        }

        Job withAttempts(int n) {
            return new Job(host, started, t0, n);
        }

        /** A result without output: the command did not run (or its output does not matter). */
        ExecResult fail(Outcome outcome, String error) {
            return new ExecResult(host, outcome, null, new byte[0], new byte[0], false, null, error, started,
                    elapsed(), attempts);
        }

        ExecResult result(Outcome outcome, Integer exit, OutputCapture capture, Path spill, String error) {
            return new ExecResult(host, outcome, exit, capture.stdout(), capture.stderr(), capture.truncated(), spill,
                    error, started, elapsed(), attempts);
        }

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - t0);
        }
    }

    /** Runs {@code command} on {@code client}: in the resident shell when it can, else on a channel of its own. */
    ExecResult run(PoolSlot slot, ResolvedHost rh, SSHClient client, RemoteCommand command, Cancellation cancel, Job job)
            throws StaleConnection {
        return residentEligible(command)
                ? runResident(slot, rh, client, command, cancel, job)
                : runOnChannel(slot, rh, client, command, cancel, job);
    }

    /** Largest piece of a command's stdin written at once (the server's window allowing). */
    private static final int STDIN_CHUNK = 256 * 1024;
    /** How often a stdin writer whose window is full looks whether the server made room (or closed the channel). */
    private static final long WINDOW_POLL_MS = 5;

    /** A resident command without stdin bytes runs in the resident shell (its stdin is the shell's command stream). */
    private static boolean residentEligible(RemoteCommand command) {
        return command.resident() && !command.pty() && (command.stdin() == null || command.stdin().length == 0);
    }

    // ================================================================== shared: stop, drain, exit status

    /**
     * Stops a running command once: when {@code cancel} fires or {@code timeout} passes, whichever comes first,
     * remembers which (the command's outcome) and why, and runs {@code kill} (TERM, streams ended, channel closed).
     * Closing it unregisters from the cancellation and cancels the timer.
     */
    private final class Stopper implements AutoCloseable {
        private final AtomicReference<Outcome> outcome = new AtomicReference<>();
        private volatile String reason;
        private final Runnable kill;
        private final Runnable unregister;
        private final ScheduledFuture<?> deadline;

        Stopper(Cancellation cancel, Duration timeout, Runnable kill) {
            this.kill = kill;
            this.unregister = cancel.onCancel(() -> stop(Outcome.CANCELLED, cancel.reason()));
            this.deadline = timeout == null || timeout.isZero() ? null : timer.schedule(
                    () -> stop(Outcome.TIMED_OUT, "command did not finish within " + Durations.format(timeout)),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Stops the command unless it was stopped already; true when this call stopped it. */
        boolean stop(Outcome why, String message) {
            if (!outcome.compareAndSet(null, why)) {
                return false;
            }
            reason = message;
            kill.run();
            return true;
        }

        boolean stopped() {
            return outcome.get() != null;
        }

        Outcome outcome() {
            return outcome.get();
        }

        String reason() {
            return reason;
        }

        @Override
        public void close() {
            unregister.run();
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
    }

    private Duration timeoutOf(RemoteCommand command) {
        return command.timeout() != null ? command.timeout() : settings.commandTimeout();
    }

    /**
     * Reads {@code out} on this thread and {@code err} on a virtual thread into {@code capture} until both end;
     * the first read error as one line, or null.
     */
    private static String drain(OutputCapture capture, InputStream out, InputStream err) throws InterruptedException {
        AtomicReference<IOException> errFailure = new AtomicReference<>();
        Thread errDrainer = Thread.startVirtualThread(() -> {
            try {
                capture.drain(err, true);
            } catch (IOException e) {
                errFailure.set(e);
            }
        });
        String ioError = null;
        try {
            capture.drain(out, false);
        } catch (IOException e) {
            ioError = SshConnector.oneLine(e);
        }
        errDrainer.join();
        if (errFailure.get() != null && ioError == null) {
            ioError = SshConnector.oneLine(errFailure.get());
        }
        return ioError;
    }

    /** {@code exit N: <first stderr line>}: the error of a command that exited non-zero. */
    private static String exitError(int exit, OutputCapture capture) {
        String first = firstLine(capture.stderr());
        return "exit " + exit + (first.isEmpty() ? "" : ": " + first);
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

    /** True when the server refused the channel (MaxSessions, a forced command...), as opposed to a dead connection. */
    private static boolean refused(Exception e) {
        return e instanceof OpenFailException of && of.getReason() != null
                && of.getReason() != OpenFailException.Reason.UNKNOWN;
    }

    /** TERM to the command (when {@code signal}), both its streams ended for their readers, its channel closed; never blocks. */
    static void kill(Session.Command c, Session s, boolean signal) {
        Thread.startVirtualThread(() -> {
            if (c != null) {
                if (signal) {
                    try {
                        c.signal(Signal.TERM);
                    } catch (Exception ignored) {
                        // the server may not support signals; closing the channel is what matters
                    }
                }
                ((ChannelInputStream) c.getInputStream()).eof();
                ((ChannelInputStream) c.getErrorStream()).eof();
            }
            if (s != null) {
                try {
                    s.close();
                } catch (Exception ignored) {
                    // already closed
                }
            }
        });
    }

    // ================================================================== a channel of its own

    private ExecResult runOnChannel(PoolSlot slot, ResolvedHost rh, SSHClient client, RemoteCommand command,
                                    Cancellation cancel, Job job) throws StaleConnection {
        if (!slot.acquireChannel(cancel)) {
            return job.fail(Outcome.CANCELLED, cancel.reason());
        }
        ExecSession session;
        try {
            session = ExecSession.open(client);
        } catch (ConnectionException | TransportException e) {
            slot.releaseChannel();
            if (refused(e)) {
                return job.fail(Outcome.FAILED, "session refused by " + job.host() + ": " + SshConnector.oneLine(e));
            }
            throw new StaleConnection(e);
        }
        OutputCapture capture = new OutputCapture(job.host(), command.fullScript(), settings.outputCapBytes(),
                settings.spillDir());
        AtomicReference<Session.Command> running = new AtomicReference<>();
        AtomicReference<Event<ConnectionException>> execReply = new AtomicReference<>();
        Integer exit = null;
        Signal signal = null;
        Path spill = null;
        String ioError = null;
        String notStarted = null;
        Stopper stopper = new Stopper(cancel, timeoutOf(command), () -> {
            Event<ConnectionException> reply = execReply.get();
            if (reply != null) {
                reply.deliverError(new ConnectionException("stopped")); // wakes the wait for the server's answer
            }
            kill(running.get(), session, true);
        });
        try (stopper) {
            if (command.pty()) {
                session.allocatePTY(PTY_TERM, PTY_COLUMNS, PTY_ROWS, 0, 0, Map.of());
            }
            Event<ConnectionException> reply = session.requestExec(SshjExecutor.commandLine(command, rh.user()));
            execReply.set(reply);
            try {
                awaitStart(reply, stopper);
            } catch (ConnectionException e) {
                notStarted = answeredFailure(e, client)
                        ? "the server refused to run the command (it answered the exec request with a failure)"
                        : "connection lost before the server confirmed the command started (it may have): "
                                + SshConnector.oneLine(e);
            }
            if (notStarted != null || stopper.stopped()) {
                capture.abandon();
            } else {
                Session.Command cmd = session; // the channel is the command now
                running.set(cmd);
                if (stopper.stopped()) {
                    kill(cmd, session, true); // stopped as the command started: the first kill had no command to signal
                }
                Thread stdinWriter = writeStdin(job.host(), cmd, command.stdin());
                ioError = drain(capture, cmd.getInputStream(), cmd.getErrorStream());
                stdinWriter.join(1000);
                if (!stopper.stopped()) {
                    try {
                        cmd.join(5, TimeUnit.SECONDS);
                    } catch (ConnectionException e) {
                        LOG.debug("{}: channel did not close cleanly: {}", job.host(), e.getMessage());
                    }
                    exit = cmd.getExitStatus();
                    signal = cmd.getExitSignal();
                }
                spill = capture.finish();
            }
        } catch (IOException e) {
            ioError = SshConnector.oneLine(e);
            capture.abandon();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopper.stop(Outcome.CANCELLED, "interrupted");
            capture.abandon();
        } finally {
            if (!stopper.stopped()) {
                try {
                    session.close();
                } catch (Exception ignored) {
                    // closed by the server already
                }
            }
            slot.releaseChannel();
        }
        if (stopper.stopped()) {
            return job.result(stopper.outcome(), null, capture, spill, stopper.reason());
        }
        if (notStarted != null) {
            slot.invalidateIfDead(client);
            return job.result(Outcome.FAILED, null, capture, null, notStarted);
        }
        if (exit != null) {
            return job.result(exit == 0 ? Outcome.OK : Outcome.FAILED, exit, capture, spill,
                    exit == 0 ? null : exitError(exit, capture));
        }
        if (signal != null) {
            return job.result(Outcome.FAILED, null, capture, spill, "killed by signal " + signal);
        }
        slot.invalidateIfDead(client);
        return job.result(Outcome.FAILED, null, capture, spill,
                "connection lost while the command ran" + (ioError == null ? "" : ": " + ioError));
    }

    /**
     * Waits for the server's answer to an exec request for as long as the command may take: {@code stopper} (the
     * command's timeout, cancellation) ends the wait by erroring the event in its kill, and the connection's death
     * errors it too. Returns once the command started or the stopper stopped it (an interrupt stops it); otherwise
     * throws the answer's error ({@link #answeredFailure} tells a refusal from a lost connection).
     */
    private static void awaitStart(Event<ConnectionException> reply, Stopper stopper) throws ConnectionException {
        if (stopper.stopped()) {
            return; // stopped before the request went out: the stopper's kill found no answer to wake
        }
        try {
            reply.await();
        } catch (ConnectionException e) {
            if (stopper.stopped()) {
                return;
            }
            if (Thread.currentThread().isInterrupted()) {
                stopper.stop(Outcome.CANCELLED, "interrupted");
                return;
            }
            throw e;
        }
    }

    /** True when the server answered a channel request with a failure (SSHJ errors it without a cause) and the connection lives. */
    private static boolean answeredFailure(ConnectionException e, SSHClient client) {
        return e.getCause() == null && PoolSlot.alive(client);
    }

    /**
     * Writes {@code stdin} (may be empty) to the command on a virtual thread, then EOF. It never writes more than the
     * server's window has room for: SSHJ waits for a window inside its stream's lock, and the transport's reader needs
     * that lock to close the channel, so a write waiting there froze the whole connection (every channel on it) until
     * the connection timeout whenever the command stopped before reading all its input (Ctrl-C, a timeout, a cut).
     * Here the writer waits outside the lock and gives up as soon as the channel is no longer open.
     */
    private static Thread writeStdin(String host, Session.Command cmd, byte[] stdin) {
        return Thread.startVirtualThread(() -> {
            OutputStream os = cmd.getOutputStream();
            try {
                int off = 0;
                int len = stdin == null ? 0 : stdin.length;
                while (off < len) {
                    long room = cmd.getRemoteWinSize();
                    if (room <= 0) {
                        if (!cmd.isOpen()) {
                            LOG.debug("{}: channel closed with {} of {} stdin bytes written", host, off, len);
                            return;
                        }
                        Thread.sleep(WINDOW_POLL_MS);
                        continue;
                    }
                    int n = (int) Math.min(room, Math.min(len - off, STDIN_CHUNK));
                    os.write(stdin, off, n);
                    os.flush();
                    off += n;
                }
                os.close();
            } catch (IOException e) {
                LOG.debug("{}: stdin not fully written: {}", host, e.getMessage());
            } catch (InterruptedException e) {
                LOG.debug("{}: stdin writer interrupted", host);
            }
        });
    }

    // ================================================================== the resident shell

    /** One try in a resident shell: its result, whether the command (may have) started, whether the shell had run commands before. */
    private record ResidentTry(ExecResult result, boolean started, boolean shellWasUsed) {}

    /** The command's timeout or cancellation came while the resident shell was starting: the command did not run. */
    private static final class StartStopped extends Exception {
        final Outcome outcome;

        StartStopped(Outcome outcome, String message) {
            super(message, null, false, false);
            this.outcome = outcome;
        }
    }

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
    private ExecResult runResident(PoolSlot slot, ResolvedHost rh, SSHClient client, RemoteCommand command,
                                   Cancellation cancel, Job job) throws StaleConnection {
        String line = ResidentShell.commandLine(command.asRoot(), rh.user());
        for (int round = 0; ; round++) {
            if (!slot.acquireChannel(cancel)) {
                return job.fail(Outcome.CANCELLED, cancel.reason());
            }
            ResidentShell shell;
            try {
                shell = residentShell(slot, client, line, cancel, timeoutOf(command));
            } catch (SessionRefused e) {
                slot.releaseChannel();
                return job.fail(Outcome.FAILED, "session refused by " + job.host() + ": " + e.getMessage());
            } catch (StartStopped e) {
                slot.releaseChannel();
                return job.fail(e.outcome, e.getMessage());
            } catch (StaleConnection | RuntimeException e) {
                slot.releaseChannel();
                throw e;
            }
            if (shell == null) {
                slot.releaseChannel();
                LOG.debug("{}: resident shell busy; running on a channel of its own", job.host());
                return runOnChannel(slot, rh, client, command.withResident(false), cancel, job);
            }
            ResidentTry t;
            try {
                t = tryResident(slot, shell, command, cancel, job);
            } finally {
                shell.lock.unlock();
                slot.releaseChannel();
            }
            if (t.started() || cancel.isCancelled()) {
                return t.result();
            }
            if (!PoolSlot.alive(client)) {
                throw new StaleConnection(new IOException("connection closed before the command started"));
            }
            if (round > 0 || !t.shellWasUsed()) {
                return t.result();
            }
            LOG.debug("{}: resident shell ended while idle ({}); starting a new one", job.host(), t.result().error());
        }
    }

    /**
     * The connection's resident shell for {@code line}, started and locked by this thread; null when another command
     * holds it. A shell of an earlier connection, or one that died while idle, is dropped and replaced.
     */
    private ResidentShell residentShell(PoolSlot slot, SSHClient client, String line, Cancellation cancel, Duration timeout)
            throws StaleConnection, SessionRefused, StartStopped {
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
                ExecSession session = ExecSession.open(client);
                fresh.session = session;
                Event<ConnectionException> reply = session.requestExec(line);
                try (Stopper stopper = new Stopper(cancel, timeout, () -> reply.deliverError(new ConnectionException("stopped")))) {
                    awaitStart(reply, stopper);
                    if (stopper.stopped()) {
                        throw new StartStopped(stopper.outcome(), stopper.reason() + " (the resident shell did not start)");
                    }
                }
                fresh.command = session;
                residentShellsStarted.incrementAndGet();
                LOG.debug("{}: resident shell started ({})", slot.key, line);
                return fresh;
            } catch (ConnectionException | TransportException | StartStopped e) {
                slot.resident.remove(line, fresh);
                fresh.broken = true;
                fresh.lock.unlock();
                if (fresh.session != null) {
                    fresh.kill(false);
                }
                if (e instanceof StartStopped stopped) {
                    throw stopped;
                }
                if (refused(e)) { // the channel open
                    throw new SessionRefused(SshConnector.oneLine(e));
                }
                if (e instanceof ConnectionException ce && answeredFailure(ce, client)) { // the exec request
                    throw new SessionRefused("the server refused to start the resident shell (it answered the exec request with a failure)");
                }
                throw new StaleConnection(e);
            }
        }
    }

    /** Writes one command to the locked {@code shell} and reads its share of stdout and stderr up to the end markers. */
    private ResidentTry tryResident(PoolSlot slot, ResidentShell shell, RemoteCommand command, Cancellation cancel, Job job) {
        boolean wasUsed = shell.commands > 0;
        String token = ResidentShell.token();
        String begin = "FLEETROLL_BEGIN_" + token;
        String end = "FLEETROLL_END_" + token;
        OutputCapture capture = new OutputCapture(job.host(), command.script(), settings.outputCapBytes(),
                settings.spillDir());
        MarkedInput out = new MarkedInput(shell.stdout(), begin, end, true);
        MarkedInput err = new MarkedInput(shell.stderr(), begin, end, false);
        String ioError = null;
        Path spill = null;
        Stopper stopper = new Stopper(cancel, timeoutOf(command), () -> shell.kill(true));
        try (stopper) {
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
                return new ResidentTry(stopper.stopped() ? job.fail(stopper.outcome(), stopper.reason())
                        : job.fail(Outcome.FAILED, "resident shell closed before the command started: "
                                + SshConnector.oneLine(e)), false, wasUsed);
            }
            ioError = drain(capture, out, err);
            spill = capture.finish();
        } catch (IOException e) {
            ioError = SshConnector.oneLine(e);
            capture.abandon();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopper.stop(Outcome.CANCELLED, "interrupted");
            capture.abandon();
        }
        if (stopper.stopped()) {
            shell.drop(slot);
            return new ResidentTry(job.result(stopper.outcome(), null, capture, spill, stopper.reason()), true, wasUsed);
        }
        if (out.done() && err.done() && out.status() != null && ioError == null) {
            int exit = out.status();
            return new ResidentTry(job.result(exit == 0 ? Outcome.OK : Outcome.FAILED, exit, capture, spill,
                    exit == 0 ? null : exitError(exit, capture)), true, wasUsed);
        }
        return ended(slot, shell, out.begun() || err.begun(), capture, spill, ioError, job, wasUsed);
    }

    /** The shell ended (or its streams broke) before this command's end marker: give it up, say how it ended. */
    private ResidentTry ended(PoolSlot slot, ResidentShell shell, boolean begun, OutputCapture capture, Path spill,
                              String ioError, Job job, boolean wasUsed) {
        shell.drop(slot);
        Session.Command c = shell.command;
        try {
            c.join(2, TimeUnit.SECONDS);
        } catch (ConnectionException e) {
            LOG.debug("{}: resident channel did not close cleanly: {}", job.host(), e.getMessage());
        }
        Integer exit = c.getExitStatus();
        Signal signal = c.getExitSignal();
        shell.kill(false);
        // Not started for sure only when the channel closed in order (exit status or signal came) without a begin
        // line: whatever the shell printed before closing has arrived. A lost connection proves nothing.
        boolean orderly = exit != null || signal != null;
        String how = begun ? "resident shell ended while the command ran" : "resident shell ended before the command started";
        String error;
        if (!begun && exit != null && exit != 0) {
            error = exitError(exit, capture);
        } else if (signal != null) {
            error = how + ": killed by signal " + signal;
        } else if (exit != null) {
            error = how + " (shell exit " + exit + ")";
        } else {
            error = (begun ? "connection lost while the command ran" : how) + (ioError == null ? "" : ": " + ioError);
            slot.invalidateIfDead(shell.client);
        }
        return new ResidentTry(job.result(Outcome.FAILED, begun ? null : exit, capture, spill, error),
                begun || !orderly, wasUsed);
    }
}
