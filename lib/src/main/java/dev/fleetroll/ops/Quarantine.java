package dev.fleetroll.ops;

import dev.fleetroll.UserError;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.auditlog.AuditRecord;
import dev.fleetroll.state.TaskclusterState;
import dev.fleetroll.store.Store;
import dev.fleetroll.taskcluster.Pool;
import dev.fleetroll.taskcluster.TaskclusterClient;
import dev.fleetroll.taskcluster.TaskclusterCredentials;
import dev.fleetroll.taskcluster.WorkerDetails;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code quarantine(reason: ...)} / {@code unquarantine()} and {@code fleetroll tc-quarantine}: stops (or lets again)
 * Taskcluster hand work to the hosts' workers, through the same gate as file writes: validate, plan (which workers,
 * from the stored {@code gather-tc} records; hosts without one are named and left alone), gate (confirm, dry run,
 * refuse), one Hawk-signed {@code quarantineWorker} per worker, one audit record per host, and the stored record
 * updated from Taskcluster's answer so the monitor shows it at once.
 */
public final class Quarantine {
    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
    /** Taskcluster's own clients quarantine "for good" as ten years from now; so do we, unless told otherwise. */
    public static final Duration DEFAULT_DURATION = Duration.ofDays(3650);
    static final int MAX_REASON = 4000;

    private final Store store;
    private final TaskclusterClient client;
    private final AuditLog auditLog;
    private final Clock clock;

    public Quarantine(Store store, TaskclusterClient client, AuditLog auditLog, Clock clock) {
        this.store = store;
        this.client = client;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    /** Checks the input and builds the plan without touching Taskcluster or the audit log. */
    public QuarantinePlan plan(List<String> hosts, boolean lift, Duration duration, String reason) {
        String why = reason == null ? null : reason.strip();
        if (!lift && (why == null || why.isEmpty())) {
            throw new UserError("quarantine needs a reason (reason: '...' in the DSL, --reason in the CLI): it is what the"
                    + " next operator and Taskcluster's UI will see");
        }
        if (why != null && why.length() > MAX_REASON) {
            throw new UserError("the quarantine reason is " + why.length() + " characters; Taskcluster keeps at most "
                    + MAX_REASON);
        }
        if (why != null && why.isEmpty()) {
            why = null;
        }
        Duration d = duration == null ? DEFAULT_DURATION : duration;
        if (!lift && (d.isZero() || d.isNegative())) {
            throw new UserError("a quarantine must last a positive time, not " + d + " (use unquarantine to end one)");
        }
        Instant now = clock.instant();
        Map<String, TaskclusterState> records = store.taskcluster();
        List<QuarantinePlan.Target> targets = new ArrayList<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        for (String h : new LinkedHashSet<>(hosts)) {
            TaskclusterState tc = records.get(h);
            if (tc == null) {
                skipped.put(h, "never scanned: run gather-tc (or tc()) first");
            } else if (tc.pool() == null) {
                skipped.put(h, tc.problem() == null ? "no pool" : tc.problem());
            } else if (!tc.present() || tc.workerGroup() == null) {
                skipped.put(h, "not listed in " + tc.pool() + " at the last scan");
            } else {
                targets.add(new QuarantinePlan.Target(h, pool(tc.pool()), tc.workerGroup(), tc.workerId(),
                        tc.quarantinedUntil(), tc.scannedAt()));
            }
        }
        return new QuarantinePlan(lift, targets, skipped, lift ? now : now.plus(d), why);
    }

    public QuarantineResults run(List<String> hosts, boolean lift, Duration duration, String reason, WriteGate gate)
            throws InterruptedException {
        long t0 = System.nanoTime();
        QuarantinePlan plan = plan(hosts, lift, duration, reason);
        if (plan.targets().isEmpty()) {
            throw new UserError(plan.verb() + ": none of the " + plan.skipped().size() + " host"
                    + (plan.skipped().size() == 1 ? " is" : "s is") + " a known Taskcluster worker: "
                    + plan.skipped().entrySet().stream().limit(3).map(e -> e.getKey() + " (" + e.getValue() + ")")
                    .reduce((a, b) -> a + ", " + b).orElse("no hosts given"));
        }
        if (client.settings().credentials() == null) {
            throw TaskclusterCredentials.missing(plan.verb());
        }
        WriteGate.Decision decision = gate.decide(plan);
        if (decision.verdict() != WriteGate.Verdict.WRITE) {
            auditDecision(plan, decision);
            decision.throwIfRefused(plan);
            return new QuarantineResults(plan, decision, Map.of(), Map.of(), List.of(),
                    Duration.ofNanos(System.nanoTime() - t0));
        }
        auditLog.checkWritable(); // no worker is changed without a record of it
        Map<String, Instant> done = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        Map<String, TaskclusterState> updated = new LinkedHashMap<>();
        Map<String, TaskclusterState> records = store.taskcluster();
        List<AuditRecord> audit = new ArrayList<>();
        for (QuarantinePlan.Target t : plan.targets()) {
            if (Thread.currentThread().isInterrupted()) {
                failed.put(t.host(), "interrupted before it was sent");
                continue;
            }
            Map<String, Object> observed = new LinkedHashMap<>();
            observed.put("before_until", t.currentUntil() == null ? null : t.currentUntil().toString());
            try {
                WorkerDetails d = lift
                        ? client.unquarantineWorker(t.pool().provisionerId(), t.pool().workerType(), t.workerGroup(),
                                t.workerId(), plan.reason())
                        : client.quarantineWorker(t.pool().provisionerId(), t.pool().workerType(), t.workerGroup(),
                                t.workerId(), plan.until(), plan.reason());
                Instant until = d.quarantineUntil() != null && d.quarantineUntil().isAfter(clock.instant())
                        ? d.quarantineUntil() : null;
                done.put(t.host(), until);
                observed.put("until", until == null ? null : until.toString());
                TaskclusterState old = records.get(t.host());
                if (old != null) {
                    updated.put(t.host(), withQuarantine(old, until, lift ? null : plan.reason()));
                }
                audit.add(record(plan, decision, t).host(t.host()).ok(true).outcome(lift ? "lifted" : "quarantined")
                        .observed(observed).build());
            } catch (RuntimeException e) {
                String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                failed.put(t.host(), msg);
                observed.put("error", msg);
                audit.add(record(plan, decision, t).host(t.host()).ok(false).outcome("failed").observed(observed).build());
            }
        }
        List<String> warnings = new ArrayList<>();
        try {
            auditLog.appendAll(audit);
        } catch (UserError e) {
            // Taskcluster has changed: report what happened rather than lose it with the exception
            LOG.error("{} of {} workers was not recorded in the audit log: {}", plan.auditName(), audit.size(), e.getMessage());
            warnings.add("not recorded in the audit log: " + e.getMessage());
        }
        store.saveTaskcluster(updated);
        return new QuarantineResults(plan, decision, done, failed, warnings, Duration.ofNanos(System.nanoTime() - t0));
    }

    private AuditRecord.Builder record(QuarantinePlan plan, WriteGate.Decision decision, QuarantinePlan.Target t) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("approval", decision.decidedBy());
        p.put("pool", t.pool().toString());
        p.put("worker_group", t.workerGroup());
        p.put("worker_id", t.workerId());
        p.put("until", plan.until().toString());
        return AuditRecord.builder(plan.auditName()).reason(plan.reason()).parameters(p);
    }

    private void auditDecision(QuarantinePlan plan, WriteGate.Decision d) {
        String outcome = d.verdict().auditOutcome();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("approval", d.decidedBy());
        p.put("until", plan.until().toString());
        Map<String, Object> obs = new LinkedHashMap<>();
        if (d.explanation() != null) {
            obs.put("explanation", d.explanation());
        }
        if (!plan.skipped().isEmpty()) {
            obs.put("skipped", plan.skipped());
        }
        auditLog.append(AuditRecord.builder(plan.auditName()).hosts(plan.hosts()).ok(d.verdict() == WriteGate.Verdict.DRY_RUN)
                .outcome(outcome).dryRun(d.verdict() == WriteGate.Verdict.DRY_RUN).reason(plan.reason()).parameters(p)
                .observed(obs).build());
    }

    private static TaskclusterState withQuarantine(TaskclusterState s, Instant until, String reason) {
        return new TaskclusterState(s.scannedAt(), s.pool(), s.present(), s.workerGroup(), s.workerId(), s.state(),
                s.firstClaim(), s.lastActive(), until, until == null ? null : reason, s.latestTask(), s.latestTaskRunId(),
                s.latestTaskState(),
                s.taskStarted(), s.taskResolved(), s.problem());
    }

    private static Pool pool(String text) {
        int slash = text.indexOf('/');
        return new Pool(text.substring(0, slash), text.substring(slash + 1));
    }
}
