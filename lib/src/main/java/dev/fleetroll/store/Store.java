package dev.fleetroll.store;

import dev.fleetroll.state.BranchHead;
import dev.fleetroll.state.HostNote;
import dev.fleetroll.state.NoteEntry;
import dev.fleetroll.state.Observation;
import dev.fleetroll.state.TaskclusterState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where observations live. Safe to share between threads, and between fleetroll processes on one machine (consoles
 * in a shared tmux, a cron audit): writes serialise, reads never block writes.
 *
 * <p>Every observation is kept, failed and unreachable ones included, subject to retention per host: the newest N
 * (configuration {@code store.retention}), plus always the newest successful one (last known good survives a long
 * outage), plus the first failure after it (so "down since" stays exact however long the outage lasts).
 *
 * <p>"Latest" means greatest {@code ts}, ties broken by insertion order.
 *
 * <p>Besides observations it keeps each host's Taskcluster record, the GitHub branch heads, and the operators' notes
 * (an append-only history per host; never pruned).
 */
public interface Store extends AutoCloseable {

    /** Saves one observation and applies retention for its host; returns its id. */
    long save(Observation observation);

    /** Saves a batch in one transaction (a 500-host gather is one commit) and applies retention; returns the ids. */
    List<Long> saveAll(List<Observation> observations);

    Optional<Observation> latest(String host);

    /** The newest observation whose outcome is OK. */
    Optional<Observation> latestOk(String host);

    /** Latest observation of every host. */
    Map<String, Observation> latestByHost();

    /** Latest OK observation of every host that ever had one. */
    Map<String, Observation> latestOkByHost();

    /** Up to {@code limit} observations of {@code host}, newest first. */
    List<Observation> history(String host, int limit);

    /** Every host with at least one observation, in natural order. */
    List<String> hosts();

    /** Observations saved after the row id {@code afterId}, oldest first (pass 0 for all, then the last id seen). */
    List<StoredObservation> changesSince(long afterId);

    /** The highest row id so far (0 when empty): the starting point for {@link #changesSince}. */
    long lastId();

    /**
     * When the current run of failed audits began: the time of the first non-OK observation after the newest OK one,
     * or of the oldest kept one when the host never answered. Empty when the latest audit succeeded or the host is
     * unknown.
     */
    Optional<Instant> failingSince(String host);

    /** {@link HostStatus} of every host: latest, latest OK and failing-since in one call (for the monitor). */
    Map<String, HostStatus> statusByHost();

    /**
     * Replaces the Taskcluster record of each host in {@code byHost} (present, absent or unmapped) in one
     * transaction; hosts not named keep theirs.
     */
    void saveTaskcluster(Map<String, TaskclusterState> byHost);

    /** The newest Taskcluster record of every host ever scanned. */
    Map<String, TaskclusterState> taskcluster();

    /** Replaces the stored head of each branch named ({@link BranchHead#key()}) in one transaction. */
    void saveBranchHeads(List<BranchHead> heads);

    /** The newest head of every branch ever fetched, by {@code owner/repo:branch}. */
    Map<String, BranchHead> branchHeads();

    /**
     * Marks that change whenever the store's content does, cheap enough to read several times a second: a live view
     * polls them and reloads only what changed ({@link #changesSince} for observations).
     */
    Marks marks();

    // ---- operator notes: an append-only history per host; a clear is a tombstone, nothing is deleted ----

    /** Adds a note to each of {@code hosts} in one transaction; returns the entries, in the order of {@code hosts}. */
    List<NoteEntry> addNotes(List<String> hosts, String text, String actor, Instant at);

    /**
     * Clears the notes of each of {@code hosts} that has notes since its last clear (one tombstone each, in one
     * transaction); hosts without a note get none. Returns the tombstones written.
     */
    List<NoteEntry> clearNotes(List<String> hosts, String actor, String reason, Instant at);

    /** The note every host carries: the newest added since its last clear, with the count since then. */
    Map<String, HostNote> notes();

    /** Up to {@code limit} entries of {@code host}'s note history (adds and clears), newest first. */
    List<NoteEntry> noteHistory(String host, int limit);

    /**
     * Imports entries (another tool's history) in one transaction, skipping any already present (same host, time,
     * action, actor and text); returns how many were added. Ids of the given entries are ignored.
     */
    int importNotes(List<NoteEntry> entries);

    // ---- maintenance ----

    /**
     * Deletes observations older than {@code before}, except a host's newest one, its newest OK one and the first
     * failure after that (so no host disappears, and last-known-good and down-since stay exact). With {@code dryRun}
     * only counts. Returns the number of observations deleted (or that would be).
     */
    int pruneObservations(Instant before, boolean dryRun);

    /** Folds the write-ahead log into the database and rebuilds the file without free pages; returns the sizes. */
    default Compaction compact() {
        throw new UnsupportedOperationException("this store cannot compact");
    }

    /** Sizes in bytes of the database file and its write-ahead log, before and after {@link #compact()}. */
    record Compaction(long databaseBefore, long walBefore, long databaseAfter, long walAfter) {
        public long before() {
            return databaseBefore + walBefore;
        }

        public long after() {
            return databaseAfter + walAfter;
        }
    }

    /** The lease that makes one process the store's scanner (see ScannerLease). */
    ScannerLease scannerLease();

    @Override
    void close();

    /**
     * Change marks of a store's content. Equal marks mean nothing a reader sees has changed.
     *
     * @param observations the highest observation id ({@link #lastId})
     * @param taskcluster changes whenever a Taskcluster record is saved
     * @param github changes whenever a branch head is saved
     * @param notes changes whenever a note is added or cleared
     */
    record Marks(long observations, long taskcluster, long github, long notes) {
        /** True when something other than observations changed (the external facts must be read again). */
        public boolean externalDiffers(Marks other) {
            return other == null || taskcluster != other.taskcluster || github != other.github || notes != other.notes;
        }
    }

    /** An observation with its row id. */
    record StoredObservation(long id, Observation observation) {}

    /**
     * One host at a glance.
     *
     * @param latest the latest observation
     * @param latestOk the latest OK observation, or null
     * @param failingSince see {@link #failingSince}; null when the latest audit succeeded
     */
    record HostStatus(String host, Observation latest, Observation latestOk, Instant failingSince) {
        /** True when the latest audit did not succeed. */
        public boolean failing() {
            return failingSince != null;
        }
    }
}
