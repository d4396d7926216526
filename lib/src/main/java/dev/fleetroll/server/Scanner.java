package dev.fleetroll.server;

import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.ops.AuditReport;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.state.Observation;
import dev.fleetroll.store.ScannerLease;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled scanner of {@code fleetroll serve}: while this server holds the store's {@link ScannerLease} it runs
 * the audit of every stored host, the Taskcluster gather and the GitHub gather, each at its configured interval
 * ({@code server.scan.*_every}; zero turns one off); without the lease it serves read-only ({@link Role#STANDBY}) and
 * tries to take the lease every {@code lease_retry}, so it takes over when the scanner stops. The same operations
 * as {@code gather-host}, {@code gather-tc} and {@code gather-gh}.
 */
public final class Scanner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scanner.class);

    /** What this server does about scanning. */
    public enum Role { STARTING, SCANNER, STANDBY, STOPPED }

    /** The scans. */
    public enum Kind {
        AUDIT("audit"), TASKCLUSTER("tc"), GITHUB("gh");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Told of role changes and finished scans (for logs and specs); called on the scanner thread. */
    public interface Listener {
        Listener NONE = new Listener() {};

        default void roleChanged(Role role) {}

        default void scanned(Kind kind, boolean ok) {}
    }

    private final Fleet fleet;
    private final ScannerLease lease;
    private final FleetrollConfig.Scan config;
    private final ServerMetrics metrics;
    private final Listener listener;
    private final Map<Kind, Long> nextDue = new EnumMap<>(Kind.class);
    private final Object wake = new Object();
    private volatile Role role = Role.STARTING;
    private volatile boolean closed;
    private Thread thread;

    Scanner(Fleet fleet, ScannerLease lease, FleetrollConfig.Scan config, ServerMetrics metrics, Listener listener) {
        this.fleet = fleet;
        this.lease = lease;
        this.config = config;
        this.metrics = metrics;
        this.listener = listener == null ? Listener.NONE : listener;
    }

    void start() {
        thread = Thread.ofPlatform().daemon().name("fleetroll-scanner").start(this::loop);
    }

    public Role role() {
        return role;
    }

    private void setRole(Role r) {
        if (role != r) {
            role = r;
            LOG.info("scanner role: {}", r);
            listener.roleChanged(r);
        }
    }

    private Duration every(Kind k) {
        return switch (k) {
            case AUDIT -> config.auditEvery();
            case TASKCLUSTER -> config.tcEvery();
            case GITHUB -> config.ghEvery();
        };
    }

    private void loop() {
        while (!closed) {
            long waitMs;
            if (!lease.tryAcquire()) {
                setRole(Role.STANDBY);
                nextDue.clear();
                waitMs = config.leaseRetry().toMillis();
            } else {
                setRole(Role.SCANNER);
                long now = System.nanoTime();
                long soonest = now + config.leaseRetry().toNanos();
                for (Kind k : Kind.values()) {
                    Duration every = every(k);
                    if (every == null || every.isZero() || every.isNegative() || closed) {
                        continue;
                    }
                    long due = nextDue.getOrDefault(k, now);
                    if (due <= System.nanoTime()) {
                        run(k);
                        due = System.nanoTime() + every.toNanos();
                        nextDue.put(k, due);
                    }
                    soonest = Math.min(soonest, due);
                }
                waitMs = Math.max(1, (soonest - System.nanoTime()) / 1_000_000);
            }
            synchronized (wake) {
                if (closed) {
                    break;
                }
                try {
                    wake.wait(waitMs);
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
        lease.close();
        setRole(Role.STOPPED);
    }

    private void run(Kind k) {
        long start = System.nanoTime();
        boolean ok = true;
        try {
            switch (k) {
                case AUDIT -> {
                    List<String> hosts = fleet.knownHosts();
                    if (!hosts.isEmpty()) {
                        AuditReport r = fleet.audit(hosts, BatchListener.NONE, Cancellation.none());
                        for (Observation o : r.observations()) {
                            metrics.sshOutcome(o.outcome() == null ? "unknown" : o.outcome().label());
                        }
                    }
                }
                case TASKCLUSTER -> fleet.gatherTaskcluster(fleet.knownHosts());
                case GITHUB -> fleet.gatherGithub(false);
            }
        } catch (RuntimeException e) {
            ok = false;
            LOG.warn("scheduled {} scan failed: {}", k.label(), e.getMessage());
        }
        metrics.scan(k.label(), ok, Duration.ofNanos(System.nanoTime() - start));
        listener.scanned(k, ok);
    }

    /** Stops scanning and gives the lease up (a standby server takes over at its next retry). */
    @Override
    public void close() {
        closed = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        if (thread != null) {
            try {
                thread.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lease.close();
    }
}
