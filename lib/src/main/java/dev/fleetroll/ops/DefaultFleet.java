package dev.fleetroll.ops;

import dev.fleetroll.ops.write.ContentStores;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.content.ContentStore;
import dev.fleetroll.github.GitHubAccess;
import dev.fleetroll.github.GitHubClient;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.monitor.FleetFeed;
import dev.fleetroll.remote.AuditKnown;
import dev.fleetroll.remote.AuditParse;
import dev.fleetroll.remote.AuditParser;
import dev.fleetroll.remote.AuditScript;
import dev.fleetroll.remote.ManagedFile;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.ssh.ExecResult;
import dev.fleetroll.ssh.FanOut;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.ssh.RemoteCommand;
import dev.fleetroll.ssh.SshEngine;
import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.state.ExternalFacts;
import dev.fleetroll.state.InventoryFacts;
import dev.fleetroll.inventory.InventoryStore;
import dev.fleetroll.state.HostState;
import dev.fleetroll.taskcluster.PoolMap;
import dev.fleetroll.taskcluster.TaskclusterAccess;
import dev.fleetroll.taskcluster.TaskclusterClient;
import dev.fleetroll.state.Observation;
import dev.fleetroll.store.JdbcStore;
import dev.fleetroll.store.Stores;
import dev.fleetroll.store.Store;
import dev.fleetroll.store.StoreException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine wired from a {@link Workspace}: the SSH engine (opened on the first network operation, so nothing
 * connects at start-up), the observation store, and the content stores.
 */
public final class DefaultFleet implements Fleet {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultFleet.class);

    /**
     * Per-process choices a front-end may make.
     *
     * @param sshConfig {@code -F FILE}; null = {@code ssh.config_file}
     * @param fanout {@code --fanout}; null = {@code ssh.fanout}
     * @param fetchVault whether audits fetch vault bodies into the (0600) vault content store
     */
    public record Options(Path sshConfig, Integer fanout, boolean fetchVault, boolean oneShot) {
        public static final Options DEFAULT = new Options(null, null, false, false);

        public Options(Path sshConfig, Integer fanout, boolean fetchVault) {
            this(sshConfig, fanout, fetchVault, false);
        }

        /**
         * For a process that runs one batch and exits (a single {@code gather-host} round, cron): each host's SSH
         * connection is closed as soon as its command is done, so client memory stays at about the fan-out's worth
         * of connections instead of growing with the fleet. Not for the REPL, {@code --every} or rollouts, which
         * reuse the connections in their next round.
         */
        public Options withOneShot(boolean one) {
            return new Options(sshConfig, fanout, fetchVault, one);
        }
    }

    private final Workspace workspace;
    private final Options options;
    private final Inventory inventory;
    private final ContentStores contents;
    private final Clock clock;
    private SshEngine ssh;
    private Store store;
    /**
     * The OK observations this object's audits stored, the newest per host: the next audit of the same hosts (a
     * {@code --every} round) takes its known values from here instead of reading the store again. One older than the
     * store's newest (another process audited since) is still a sound memo: the host compares stat lines, and a file
     * that changed is read again.
     */
    private final Map<String, Observation> audited = new ConcurrentHashMap<>();
    private TaskclusterClient taskcluster;
    private GitHubClient github;

    private DefaultFleet(Workspace workspace, Options options, Clock clock) {
        this.workspace = workspace;
        this.options = options;
        this.inventory = new Inventory(workspace);
        this.contents = ContentStores.of(workspace.home());
        this.clock = clock;
    }

    public static DefaultFleet open(Workspace workspace) {
        return open(workspace, Options.DEFAULT);
    }

    public static DefaultFleet open(Workspace workspace, Options options) {
        workspace.home().ensureExists();
        return new DefaultFleet(workspace, options, Clock.systemUTC());
    }

    @Override
    public Workspace workspace() {
        return workspace;
    }

    @Override
    public Inventory inventory() {
        return inventory;
    }

    public ContentStore overrideContents() {
        return contents.overrides();
    }

    public ContentStore vaultContents() {
        return contents.vaults();
    }

    /** The local store of {@code kind}'s files. */
    public ContentStore contents(ManagedFile kind) {
        return contents.of(kind);
    }

    /** The observation store, opened on first use. */
    @Override
    public synchronized Store store() {
        if (store == null) {
            store = Stores.open(workspace.home(), workspace.config().store());
        }
        return store;
    }

    /** The SSH engine, opened on first use and kept for the life of this fleet (connections are reused). */
    public synchronized SshEngine ssh() {
        if (ssh == null) {
            ssh = SshEngine.open(workspace, options.sshConfig(), options.fanout(), !options.oneShot());
        }
        return ssh;
    }

    /** Every host the store has seen: audited ones and the hosts of record, in natural order. */
    @Override
    public List<String> knownHosts() {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(dev.fleetroll.util.NaturalOrder.INSTANCE);
        all.addAll(store().hosts());
        if (store() instanceof JdbcStore s) {
            new InventoryStore(s).all().forEach(h -> all.add(h.host()));
        }
        return List.copyOf(all);
    }

    /** The hosts of record in this fleet's store. */
    public InventoryStore inventoryStore() {
        if (!(store() instanceof JdbcStore s)) {
            throw new dev.fleetroll.UserError("the inventory needs the SQLite or PostgreSQL store");
        }
        return new InventoryStore(s);
    }

    /** The inventory's writes, recorded in {@code auditLog}. */
    public HostsOfRecord hostsOfRecord(AuditLog auditLog) {
        return new HostsOfRecord(inventoryStore(), auditLog, clock);
    }

    /**
     * Probes {@code hosts} ({@link InventoryProbe}) and saves the results in the store; hosts of record with a
     * {@code bmc} fact get their BMC checked too.
     */
    public List<dev.fleetroll.inventory.ProbeResult> probe(List<String> hosts, BatchListener listener,
                                                           Cancellation cancellation) {
        InventoryStore inv = inventoryStore();
        Map<String, String> bmc = new java.util.HashMap<>();
        for (dev.fleetroll.inventory.InventoryHost h : inv.all()) {
            String b = h.fact(dev.fleetroll.inventory.Fact.BMC);
            if (b != null) {
                bmc.put(h.host(), b);
            }
        }
        List<dev.fleetroll.inventory.ProbeResult> results = new InventoryProbe(ssh(),
                SshEngine.resolver(workspace, options.sshConfig()), workspace.config().ssh().connectTimeout(), clock)
                .run(hosts, bmc, listener, cancellation);
        // a host the batch never got to (cancelled, deadline) keeps its previous probe
        inv.saveProbes(results.stream().filter(r -> r.resolves() != null || r.reachable() != null || r.sshable() != null)
                .toList());
        return results;
    }

    @Override
    public Map<String, Observation> latest(List<String> hosts) {
        return pick(store().latestByHost(), hosts);
    }

    @Override
    public Map<String, Observation> latestOk(List<String> hosts) {
        return pick(store().latestOkByHost(), hosts);
    }

    /** One store snapshot for both observations of every host (two separate reads could straddle a write). */
    @Override
    public Map<String, HostState> states(List<String> hosts, Instant now) {
        Map<String, Store.HostStatus> all = store().statusByHost();
        ExternalFacts ext = externalFacts();
        Map<String, HostState> out = new LinkedHashMap<>();
        for (String h : hosts) {
            Store.HostStatus s = all.get(h);
            out.put(h, HostState.of(h, s == null ? null : s.latest(), s == null ? null : s.latestOk(), ext, now));
        }
        return out;
    }

    @Override
    public FleetFeed watch(List<String> hosts) {
        return FleetFeed.open(store(), this::externalFacts, hosts);
    }

    @Override
    public ExternalFacts externalFacts() {
        FleetrollConfig c = workspace.config();
        return new ExternalFacts(store().taskcluster(), store().branchHeads(), c.github().defaultBranch(),
                c.taskcluster().activeWithin(), store().notes(), inventoryFacts());
    }

    /** The hosts of record, their probes and the targets of rollouts in progress, for the drift columns. */
    private InventoryFacts inventoryFacts() {
        if (!(store() instanceof JdbcStore s)) {
            return InventoryFacts.NONE;
        }
        InventoryStore inv = new InventoryStore(s);
        Map<String, dev.fleetroll.inventory.InventoryHost> records = new LinkedHashMap<>();
        inv.all().forEach(h -> records.put(h.host(), h));
        Set<String> targets = new java.util.HashSet<>();
        for (dev.fleetroll.rollout.RolloutStatus r : new dev.fleetroll.rollout.RolloutStore(s).list()) {
            if (!r.state().ended()) {
                targets.addAll(r.plan().targets());
            }
        }
        return new InventoryFacts(records, inv.probes(), targets, true);
    }

    @Override
    public Notes notes(AuditLog auditLog) {
        return new Notes(store(), auditLog, clock);
    }

    @Override
    public Maintenance maintenance(AuditLog auditLog) {
        FleetrollConfig c = workspace.config();
        return new Maintenance(store(), auditLog, workspace.home(), c.store(), c.maintain(), clock);
    }

    /** The Taskcluster client, made on first use from the configuration and the credentials found. */
    public synchronized TaskclusterClient taskcluster() {
        if (taskcluster == null) {
            taskcluster = TaskclusterAccess.client(workspace);
        }
        return taskcluster;
    }

    /** The GitHub client, made on first use from the configuration and the token found. */
    public synchronized GitHubClient github() {
        if (github == null) {
            github = GitHubAccess.client(workspace);
        }
        return github;
    }

    @Override
    public GatherGithub.Report gatherGithub(boolean force) {
        FleetrollConfig.Github c = workspace.config().github();
        return new GatherGithub(github(), c.defaultBranch(), c.refreshEvery(), workspace.config().taskcluster().concurrency(),
                clock).run(store(), force);
    }

    @Override
    public QuarantineResults quarantine(List<String> hosts, boolean lift, Duration duration, String reason, WriteGate gate,
                                        AuditLog auditLog) throws InterruptedException {
        return new Quarantine(store(), taskcluster(), auditLog, clock).run(hosts, lift, duration, reason, gate);
    }

    @Override
    public GatherTaskcluster.Report gatherTaskcluster(List<String> hosts) {
        FleetrollConfig.Taskcluster c = workspace.config().taskcluster();
        return new GatherTaskcluster(taskcluster(), PoolMap.of(c), c.concurrency(), clock).run(hosts, store());
    }

    private static Map<String, Observation> pick(Map<String, Observation> all, List<String> hosts) {
        Map<String, Observation> out = new LinkedHashMap<>();
        for (String h : hosts) {
            Observation o = all.get(h);
            if (o != null) {
                out.put(h, o);
            }
        }
        return out;
    }

    /**
     * Audits the hosts in the resident shells of their pooled connections. Each host's newest successful observation
     * (one store query for the batch) supplies known values ({@link AuditKnown}): files whose stat line did not change
     * are not hashed or sent again. A host never audited successfully gets the full script.
     */
    @Override
    public AuditReport audit(List<String> hosts, BatchListener listener, Cancellation cancellation) {
        Instant start = clock.instant();
        SshEngine engine = ssh();
        AuditScript script = AuditScript.of(options.fetchVault());
        long r0 = System.nanoTime();
        Map<String, Observation> known = knownObservations(hosts);
        long readMs = (System.nanoTime() - r0) / 1_000_000;
        Map<String, Boolean> stored = new ConcurrentHashMap<>();
        Predicate<String> overrideStored = sha -> stored.computeIfAbsent(sha, s -> contents.overrides().get(s).isPresent());
        List<AuditParse> parses = engine.run(hosts, (host, cancel) -> {
            Observation k = known.get(host);
            AuditKnown values = AuditKnown.from(k, overrideStored, options.fetchVault());
            ExecResult r = engine.executor().exec(host, script.command(values), cancel);
            return AuditParser.parse(r, values.isEmpty() ? null : k);
        }, AUDIT_RESULTS, listener, cancellation);
        List<Observation> observations = new ArrayList<>(parses.size());
        List<Observation> toStore = new ArrayList<>(parses.size());
        Map<String, List<String>> bySha = new LinkedHashMap<>();
        Map<String, Set<AuditParse.Reused>> reused = new LinkedHashMap<>();
        for (AuditParse p : parses) {
            Observation o = p.observation();
            observations.add(o);
            if (!p.reused().isEmpty()) {
                reused.put(o.host(), p.reused());
            }
            // a host the operator cancelled was not observed: storing it would mark a healthy host as failing
            if (o.outcome() != Outcome.CANCELLED) {
                toStore.add(o);
            }
            try {
                p.storeContents(contents.overrides(), options.fetchVault() ? contents.vaults() : null);
            } catch (RuntimeException e) {
                LOG.warn("{}: could not keep the override content locally: {}", o.host(), e.getMessage());
            }
            if (o.ok() && o.override() != null && o.override().sha256() != null) {
                bySha.computeIfAbsent(o.override().sha256(), k -> new ArrayList<>()).add(o.host());
            }
        }
        long t0 = System.nanoTime();
        store().saveAll(toStore);
        toStore.stream().filter(Observation::ok).forEach(o -> audited.put(o.host(), o));
        long storeMs = (System.nanoTime() - t0) / 1_000_000;
        Duration elapsed = Duration.between(start, clock.instant());
        LOG.debug("audit: {} hosts in {} ms, of which reading what they had {} ms, storing {} ms", hosts.size(),
                elapsed.toMillis(), readMs, storeMs);
        return new AuditReport(observations, bySha, elapsed, reused);
    }

    /** The newest OK observation of each of {@code hosts} that has one: this object's last audit of them, or one store query. */
    private Map<String, Observation> knownObservations(List<String> hosts) {
        Store st = store(); // a store that cannot be opened stops the audit here, before any host is contacted
        if (audited.keySet().containsAll(hosts)) {
            return pick(audited, hosts);
        }
        try {
            return pick(st.latestOkByHost(), hosts);
        } catch (StoreException e) {
            // an unreadable store costs a full audit, never the audit
            LOG.warn("could not read the last observations; auditing every file in full: {}", e.getMessage());
            return Map.of();
        }
    }

    @Override
    public ExecReport exec(List<String> hosts, RemoteCommand command, BatchListener listener, Cancellation cancellation) {
        Instant start = clock.instant();
        List<ExecResult> results = ssh().execAll(hosts, command, listener, cancellation);
        return new ExecReport(results, Duration.between(start, clock.instant()));
    }

    @Override
    public ExecReport exec(List<String> hosts, RemoteCommand command, BatchListener listener, Cancellation cancellation,
                           Consumer<ExecResult> each) {
        Instant start = clock.instant();
        SshEngine engine = ssh();
        List<ExecResult> results = engine.run(hosts, (host, cancel) -> {
            ExecResult r = engine.executor().exec(host, command, cancel);
            each.accept(r);
            return r;
        }, FanOut.EXEC, listener, cancellation);
        return new ExecReport(results, Duration.between(start, clock.instant()));
    }

    @Override
    public synchronized void close() {
        try {
            if (ssh != null) {
                ssh.close();
            }
        } finally {
            ssh = null;
            if (taskcluster != null) {
                taskcluster.close();
                taskcluster = null;
            }
            if (github != null) {
                github.close();
                github = null;
            }
            if (store != null) {
                store.close();
                store = null;
            }
        }
    }

    /** Audit results for hosts the fan-out could not finish (cancelled, deadline, unexpected error). */
    private static final FanOut.Results<AuditParse> AUDIT_RESULTS = new FanOut.Results<>() {
        @Override
        public AuditParse failure(String host, Outcome outcome, String error) {
            return new AuditParse(Observation.failed(host, Instant.now(), outcome, error, null, 0), null, null);
        }

        @Override
        public Outcome outcomeOf(AuditParse result) {
            return result.observation().outcome();
        }
    };
}
