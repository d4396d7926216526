package dev.fleetroll.ssh;

import dev.fleetroll.UserError;
import dev.fleetroll.util.Shell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RemoteExecutor} on SSHJ: one pooled connection per host, one channel (or the resident shell) per command.
 * It wires three parts and runs each command through them:
 *
 * <ul>
 *   <li>{@link SshConnector}: TCP connect (or ProxyJump's {@code direct-tcpip}), handshake under the handshake cap,
 *       host-key check, authentication, retries, and every connect failure as an {@link Outcome};
 *   <li>{@link ConnectionPool}: a connection per host opened on first use and shared, keep-alives, idle close;
 *   <li>{@link ChannelRunner}: the command on its own channel or in the resident shell, its output, timeout,
 *       cancellation and outcome.
 * </ul>
 *
 * <p>A pooled connection found dead when a command starts is replaced once. Nothing a host does escapes as an
 * exception: every result is an {@link ExecResult} with an {@link Outcome}. The three share one timer thread
 * (keep-alives, idle close, handshake watches, command timeouts).
 */
public final class SshjExecutor implements RemoteExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(SshjExecutor.class);

    private final SshConfigResolver resolver;
    private final Settings settings;
    private final ScheduledExecutorService timer;
    private final SshConnector connector;
    private final ConnectionPool pool;
    private final ChannelRunner runner;
    private volatile boolean closed;

    public SshjExecutor(SshConfigResolver resolver, KnownHostsVerifier verifier, SshAuth auth, Settings settings) {
        this.resolver = resolver;
        this.settings = settings;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleetroll-ssh-timer");
            t.setDaemon(true);
            return t;
        });
        this.connector = new SshConnector(verifier, auth, settings, timer);
        this.pool = new ConnectionPool(connector, settings, timer);
        this.runner = new ChannelRunner(settings, timer);
    }

    /** Connections opened since start (jump hosts included); for tests and diagnostics. */
    public long connectionsOpened() {
        return connector.opened();
    }

    /** Resident shells started since start (see {@link RemoteCommand#resident()}); for tests and diagnostics. */
    public long residentShellsStarted() {
        return runner.residentShellsStarted();
    }

    /** Hosts with an open pooled connection. */
    public int openConnections() {
        return pool.openConnections();
    }

    @Override
    public ExecResult exec(String host, RemoteCommand command, Cancellation cancellation) {
        ChannelRunner.Job job = ChannelRunner.Job.start(host);
        Cancellation cancel = cancellation == null ? Cancellation.none() : cancellation;
        int[] attempts = {0};
        try {
            if (closed) {
                return job.fail(Outcome.CANCELLED, "executor closed");
            }
            if (cancel.isCancelled()) {
                return job.fail(Outcome.CANCELLED, cancel.reason());
            }
            ResolvedHost rh;
            try {
                rh = resolver.resolve(host);
            } catch (UserError e) {
                return job.fail(Outcome.UNREACHABLE, e.getMessage());
            }
            PoolSlot slot = pool.slot(host);
            for (int round = 0; ; round++) {
                ConnectionPool.Lease lease = pool.connection(slot, rh, cancel, attempts);
                if (lease.failure() != null) {
                    ConnectFailure f = lease.failure();
                    return job.withAttempts(Math.max(attempts[0], f.attempts())).fail(f.outcome(), f.message());
                }
                try {
                    ExecResult r = runner.run(slot, rh, lease.client(), command, cancel, job.withAttempts(Math.max(1, attempts[0])));
                    if (settings.closeWhenDone()) {
                        pool.release(slot, lease.client());
                    }
                    return r;
                } catch (ChannelRunner.StaleConnection e) {
                    // The pooled connection died while idle: open a new one, once.
                    slot.invalidate(lease.client());
                    if (round > 0 || cancel.isCancelled()) {
                        return job.withAttempts(Math.max(1, attempts[0])).fail(Outcome.UNREACHABLE,
                                "connection lost before the command started: " + SshConnector.oneLine(e.getCause()));
                    }
                    LOG.debug("{}: pooled connection is dead ({}); reconnecting", host, SshConnector.oneLine(e.getCause()));
                }
            }
        } catch (Throwable e) {
            LOG.debug("{}: unexpected error", host, e);
            return job.withAttempts(attempts[0]).fail(Outcome.FAILED, "internal error: " + SshConnector.oneLine(e));
        }
    }

    /** The command line sent to the host: {@code sh -c '<script>'}, under {@code sudo -n} when root is needed. */
    public static String commandLine(RemoteCommand command, String loginUser) {
        return sudo(command.asRoot(), loginUser) + "sh -c " + Shell.quote(command.fullScript());
    }

    /** {@code "sudo -n "} when root is needed and the login user is not root, else {@code ""}: the one sudo rule. */
    static String sudo(boolean asRoot, String loginUser) {
        return asRoot && !"root".equals(loginUser) ? "sudo -n " : "";
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        connector.close();
        timer.shutdownNow();
        pool.close();
    }

    /**
     * The ssh settings from configuration that the executor uses; built with {@link #builder()}, whose defaults are
     * fleetroll's configuration defaults.
     */
    public static final class Settings {
        private final int handshakeConcurrency;
        private final Duration connectTimeout;
        private final Duration commandTimeout;
        private final int connectRetries;
        private final Duration retryBackoff;
        private final String strictHostKeyChecking;
        private final Duration keepaliveInterval;
        private final Duration idleClose;
        private final long outputCapBytes;
        private final Path spillDir;
        private final boolean closeWhenDone;

        private Settings(Builder b) {
            this.handshakeConcurrency = b.handshakeConcurrency;
            this.connectTimeout = b.connectTimeout;
            this.commandTimeout = b.commandTimeout;
            this.connectRetries = b.connectRetries;
            this.retryBackoff = b.retryBackoff;
            this.strictHostKeyChecking = b.strictHostKeyChecking;
            this.keepaliveInterval = b.keepaliveInterval;
            this.idleClose = b.idleClose;
            this.outputCapBytes = b.outputCapBytes;
            this.spillDir = b.spillDir;
            this.closeWhenDone = b.closeWhenDone;
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Handshakes in progress at once (the cap), all hosts together. */
        public int handshakeConcurrency() {
            return handshakeConcurrency;
        }

        /** The connect timeout: server silence during the handshake (a host's {@code ConnectTimeout} wins). */
        public Duration connectTimeout() {
            return connectTimeout;
        }

        /** A command's timeout when it names none; null or zero: none. */
        public Duration commandTimeout() {
            return commandTimeout;
        }

        /** Retries of connect-phase failures. */
        public int connectRetries() {
            return connectRetries;
        }

        /** The first retry's backoff; doubled per retry, jittered. */
        public Duration retryBackoff() {
            return retryBackoff;
        }

        /** {@code yes}, {@code accept-new} or {@code no} (a host's {@code StrictHostKeyChecking} wins). */
        public String strictHostKeyChecking() {
            return strictHostKeyChecking;
        }

        /** Keep-alive interval of idle pooled connections; null or zero: none. */
        public Duration keepaliveInterval() {
            return keepaliveInterval;
        }

        /** A pooled connection idle this long is closed; null: never. */
        public Duration idleClose() {
            return idleClose;
        }

        /** Bytes of stdout and of stderr kept in memory per command; the rest goes to the spill log. */
        public long outputCapBytes() {
            return outputCapBytes;
        }

        /** Where output past the cap is kept, one log per host and command. */
        public Path spillDir() {
            return spillDir;
        }

        /**
         * True for a one-shot batch: a host's connection is closed as soon as its command is done (and no other command
         * or ProxyJump route uses it), so the process holds about {@code fanout} connections instead of one per host
         * (each costs ~400 KiB of client memory with SSHJ: see docs/ssh-engine.md). False (the default) keeps them for
         * the next command or round.
         */
        public boolean closeWhenDone() {
            return closeWhenDone;
        }

        /** Builds {@link Settings}; every value but {@code spillDir} starts at its default in {@code defaults.yaml}. */
        public static final class Builder {
            private int handshakeConcurrency = 16;
            private Duration connectTimeout = Duration.ofSeconds(10);
            private Duration commandTimeout = Duration.ofSeconds(60);
            private int connectRetries = 2;
            private Duration retryBackoff = Duration.ofMillis(500);
            private String strictHostKeyChecking = "accept-new";
            private Duration keepaliveInterval = Duration.ofSeconds(15);
            private Duration idleClose = Duration.ofMinutes(10);
            private long outputCapBytes = 1L << 20;
            private Path spillDir;
            private boolean closeWhenDone;

            private Builder() {}

            public Builder handshakeConcurrency(int n) {
                this.handshakeConcurrency = n;
                return this;
            }

            public Builder connectTimeout(Duration d) {
                this.connectTimeout = Objects.requireNonNull(d, "connectTimeout");
                return this;
            }

            public Builder commandTimeout(Duration d) {
                this.commandTimeout = d;
                return this;
            }

            public Builder connectRetries(int n) {
                this.connectRetries = n;
                return this;
            }

            public Builder retryBackoff(Duration d) {
                this.retryBackoff = Objects.requireNonNull(d, "retryBackoff");
                return this;
            }

            public Builder strictHostKeyChecking(String policy) {
                this.strictHostKeyChecking = Objects.requireNonNull(policy, "strictHostKeyChecking");
                return this;
            }

            public Builder keepaliveInterval(Duration d) {
                this.keepaliveInterval = d;
                return this;
            }

            public Builder idleClose(Duration d) {
                this.idleClose = d;
                return this;
            }

            public Builder outputCapBytes(long n) {
                this.outputCapBytes = n;
                return this;
            }

            public Builder spillDir(Path dir) {
                this.spillDir = dir;
                return this;
            }

            public Builder closeWhenDone(boolean close) {
                this.closeWhenDone = close;
                return this;
            }

            public Settings build() {
                Objects.requireNonNull(spillDir, "spillDir");
                return new Settings(this);
            }
        }
    }
}
