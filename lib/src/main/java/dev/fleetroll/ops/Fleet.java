package dev.fleetroll.ops;

import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.monitor.FleetFeed;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.ssh.ExecResult;
import dev.fleetroll.ssh.RemoteCommand;
import dev.fleetroll.state.ExternalFacts;
import dev.fleetroll.state.HostState;
import dev.fleetroll.state.Observation;
import dev.fleetroll.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The engine as front-ends see it: one object per console session or script run, holding the SSH connections,
 * the store and the content stores. Every CLI command and DSL verb is a thin call into one of these operations,
 * so a command and its DSL one-liner behave identically.
 */
public interface Fleet extends AutoCloseable {

    Workspace workspace();

    Inventory inventory();

    /** Every host the store has ever observed, naturally sorted (no network). */
    List<String> knownHosts();

    /** The newest stored observation per host, for the given hosts (absent when never observed; no network). */
    Map<String, Observation> latest(List<String> hosts);

    /** The newest successful stored observation per host (no network). */
    Map<String, Observation> latestOk(List<String> hosts);

    /**
     * The stored state of each of {@code hosts} as of {@code now} (no network): built from its newest observation and
     * its newest successful one. Implementations backed by a store read both in one snapshot.
     */
    default Map<String, HostState> states(List<String> hosts, Instant now) {
        Map<String, Observation> latest = latest(hosts);
        Map<String, Observation> ok = latestOk(hosts);
        ExternalFacts ext = externalFacts();
        Map<String, HostState> out = new LinkedHashMap<>();
        for (String h : hosts) {
            out.put(h, HostState.of(h, latest.get(h), ok.get(h), ext, now));
        }
        return out;
    }

    /**
     * The stored Taskcluster records, GitHub branch heads and operator notes with the verdict settings (no network):
     * what host states are built with besides the audit.
     */
    default ExternalFacts externalFacts() {
        return ExternalFacts.NONE;
    }

    /**
     * A live view of the stored state of {@code hosts} (of every stored host, including ones stored later, when
     * null) that reads only what changed when polled: what monitors show (no network).
     */
    default FleetFeed watch(List<String> hosts) {
        throw new UnsupportedOperationException("this fleet has no store to watch");
    }

    /** Lists the Taskcluster pools of the hosts and stores each host's worker record ({@code gather-tc}). */
    default GatherTaskcluster.Report gatherTaskcluster(List<String> hosts) {
        throw new UnsupportedOperationException("this fleet has no Taskcluster");
    }

    /**
     * Fetches the heads of the branches the store's hosts follow from GitHub and stores them ({@code gather-gh});
     * repositories fetched within the refresh interval are skipped unless {@code force}.
     */
    default GatherGithub.Report gatherGithub(boolean force) {
        throw new UnsupportedOperationException("this fleet has no GitHub");
    }

    /**
     * Quarantines the hosts' Taskcluster workers for {@code duration} (null: {@link Quarantine#DEFAULT_DURATION}), or
     * with {@code lift} ends their quarantines, through {@code gate}, recording each in {@code auditLog}.
     */
    default QuarantineResults quarantine(List<String> hosts, boolean lift, Duration duration, String reason,
                                         WriteGate gate, AuditLog auditLog) throws InterruptedException {
        throw new UnsupportedOperationException("this fleet has no Taskcluster");
    }

    /** The store this fleet keeps its observations, notes, rollouts, reboot slots and hosts of record in. */
    default Store store() {
        throw new UnsupportedOperationException("this fleet has no store");
    }

    /** Operator notes on hosts (add, clear, history), each change recorded in {@code auditLog}; no network. */
    default Notes notes(AuditLog auditLog) {
        throw new UnsupportedOperationException("this fleet has no store for notes");
    }

    /** {@code fleetroll maintain}: pruning, compaction and audit-log rotation of this fleet's home; no network. */
    default Maintenance maintenance(AuditLog auditLog) {
        throw new UnsupportedOperationException("this fleet has no store to maintain");
    }

    /** Audits the hosts over SSH in parallel, stores every observation (failures too) and returns them. */
    AuditReport audit(List<String> hosts, BatchListener listener, Cancellation cancellation);

    /** Runs one command on every host in parallel. */
    ExecReport exec(List<String> hosts, RemoteCommand command, BatchListener listener, Cancellation cancellation);

    /**
     * Runs one command on every host in parallel, handing each host's result to {@code each} as that host finishes
     * (from worker threads), for live per-host output.
     */
    default ExecReport exec(List<String> hosts, RemoteCommand command, BatchListener listener, Cancellation cancellation,
                            Consumer<ExecResult> each) {
        ExecReport report = exec(hosts, command, listener, cancellation);
        report.results().forEach(each);
        return report;
    }

    /** Closes connections and the store. */
    @Override
    void close();
}
