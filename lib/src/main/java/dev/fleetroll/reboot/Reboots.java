package dev.fleetroll.reboot;

import dev.fleetroll.UserError;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.auditlog.AuditRecord;
import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ops.RebootPlan;
import dev.fleetroll.ops.WriteGate;
import dev.fleetroll.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code reboot(reason: ...)} / {@code fleetroll reboot}: coordinated reboots. After the {@link WriteGate} (a reboot
 * changes hosts like a write), each host, in parallel up to the fan-out, takes a slot of its group in the store
 * ({@link RebootSlots}: waiting while the group is full, so never more of a group's hosts are down at once than it has
 * slots, whoever holds the others), climbs the {@link RebootLadder}, and gives the slot back once the host is seen
 * back; a host that never came back keeps its slot (marked {@code stuck}) until an operator releases it. A host someone
 * else is rebooting is refused, naming who and since when. Each host's end is one {@code reboot.done} audit record
 * (the ladder writes one {@code host.reboot} record per rung).
 */
public final class Reboots {
    private static final Logger LOG = LoggerFactory.getLogger(Reboots.class);
    /** The audit log's action for how one host's reboot ended. */
    public static final String AUDIT_DONE = "reboot.done";
    static final int MAX_REASON = 2000;

    private final RebootSlots slots;
    private final RebootGroups groups;
    private final RebootLadder ladder;
    private final AuditLog auditLog;
    private final Clock clock;
    private final Duration pollEvery;
    private final int defaultFanout;
    private final Object released = new Object();
    private volatile boolean cancelled;

    public Reboots(RebootSlots slots, RebootGroups groups, RebootLadder ladder, AuditLog auditLog, Clock clock,
                   Duration pollEvery, int defaultFanout) {
        this.slots = slots;
        this.groups = groups;
        this.ladder = ladder;
        this.auditLog = auditLog;
        this.clock = clock;
        this.pollEvery = pollEvery;
        this.defaultFanout = defaultFanout;
    }

    /** The production wiring for {@code fleet}: its store's slots, the configured groups, deadline and rungs. */
    public static Reboots of(Fleet fleet, AuditLog auditLog, Clock clock) {
        return of(fleet, fleet.store(), auditLog, clock);
    }

    /** The production wiring for {@code fleet} with its slots in {@code store} (the server holds the two apart). */
    public static Reboots of(Fleet fleet, Store store, AuditLog auditLog, Clock clock) {
        FleetrollConfig c = fleet.workspace().config();
        ClimbHistory history = new ClimbHistory();
        RebootLadder ladder = new RebootLadder(fleet, RebootRungs.forWorkspace(fleet, fleet.workspace(), history), auditLog,
                clock, c.reboot().deadline(), c.reboot().pollEvery(), history);
        return new Reboots(RebootSlots.of(store), new RebootGroups(c.reboot()), ladder, auditLog, clock,
                c.reboot().pollEvery(), c.ssh().fanout());
    }

    /** Stops hosts still waiting for a slot (they end {@code cancelled}); climbs under way finish their rung. */
    public void cancel() {
        cancelled = true;
        synchronized (released) {
            released.notifyAll();
        }
    }

    /** Checks the input and builds the plan without touching a host, a slot or the audit log. */
    public RebootPlan plan(List<String> hosts, String reason, Integer fanout) {
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty()) {
            throw new UserError("reboot needs a reason (reason: '...' in the DSL, --reason TEXT in the CLI): it is what the"
                    + " audit log and the next operator see");
        }
        if (why.contains("\n") || why.length() > MAX_REASON) {
            throw new UserError("the reboot reason must be one line of at most " + MAX_REASON + " characters");
        }
        int n = fanout == null ? defaultFanout : fanout;
        if (n < 1) {
            throw new UserError("reboot: the fan-out must be at least 1, not " + n);
        }
        List<String> list = List.copyOf(new LinkedHashSet<>(hosts));
        Map<String, String> byHost = new LinkedHashMap<>();
        Map<String, Integer> slotsOf = new LinkedHashMap<>();
        Map<String, Integer> held = new LinkedHashMap<>();
        Map<String, List<String>> rungs = new LinkedHashMap<>();
        List<SlotHolder> holders = slots.list();
        for (String h : list) {
            String g = groups.groupOf(h);
            byHost.put(h, g);
            slotsOf.put(g, groups.slotsOf(g));
            held.put(g, (int) holders.stream().filter(s -> s.group().equals(g)).count());
            rungs.put(h, ladder.rungsFor(h));
        }
        return new RebootPlan(list, byHost, slotsOf, held, rungs, ladder.deadlineOf("ssh"), n, why);
    }

    /**
     * Plans, asks {@code gate}, and reboots.
     *
     * @param each called from worker threads with each host's result as it ends, for live output; may be null
     * @throws dev.fleetroll.ops.WriteRefused when the gate refuses (fail closed)
     */
    public RebootReport run(List<String> hosts, String reason, Integer fanout, WriteGate gate, Consumer<HostReboot> each) {
        Instant start = clock.instant();
        RebootPlan plan = plan(hosts, reason, fanout);
        if (plan.hosts().isEmpty()) {
            return new RebootReport(plan, null, List.of(), Duration.ZERO);
        }
        WriteGate.Decision decision = WriteGate.ask(gate, plan);
        if (decision.verdict() != WriteGate.Verdict.WRITE) {
            auditDecision(plan, decision);
            decision.throwIfRefused(plan);
            return new RebootReport(plan, decision, List.of(), Duration.between(start, clock.instant()));
        }
        auditLog.checkWritable(); // no host is rebooted without a record of it
        String owner = "run-" + UUID.randomUUID();
        Semaphore fan = new Semaphore(plan.fanout());
        List<Future<HostReboot>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String h : plan.hosts()) {
                futures.add(pool.submit(() -> {
                    fan.acquire();
                    try {
                        HostReboot r = one(plan, h, owner, decision.decidedBy());
                        if (each != null) {
                            try {
                                each.accept(r);
                            } catch (RuntimeException e) {
                                LOG.debug("{}: per-host callback failed", h, e);
                            }
                        }
                        return r;
                    } finally {
                        fan.release();
                    }
                }));
            }
        }
        List<HostReboot> results = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            String h = plan.hosts().get(i);
            try {
                results.add(futures.get(i).get());
            } catch (Exception e) {
                LOG.warn("{}: reboot failed", h, e);
                results.add(new HostReboot(h, plan.groups().get(h), null, HostReboot.CANCELLED, null,
                        "reboot failed: " + e.getMessage()));
            }
        }
        return new RebootReport(plan, decision, results, Duration.between(start, clock.instant()));
    }

    private HostReboot one(RebootPlan plan, String host, String owner, String approval) {
        String group = plan.groups().get(host);
        int n = plan.slots().get(group);
        SlotHolder slot;
        while (true) {
            if (cancelled) {
                return done(plan, approval, new HostReboot(host, group, null, HostReboot.CANCELLED, null, "cancelled before it got a slot"));
            }
            Acquisition a = slots.acquire(group, n, host, owner, auditLog.actor(), plan.reason(), SlotHolder.REBOOTING,
                    clock.instant());
            if (a instanceof Acquisition.Granted g) {
                slot = g.slot();
                break;
            }
            if (a instanceof Acquisition.HeldByOther o) {
                return done(plan, approval, new HostReboot(host, group, null, HostReboot.REFUSED, null, "refused: " + o.slot().heldBy()
                        + "; wait for it, or free it with fleetroll reboot-slots release " + host + " --reason TEXT"));
            }
            Acquisition.Full f = (Acquisition.Full) a;
            if (f.allStuck()) {
                return done(plan, approval, new HostReboot(host, group, null, HostReboot.NO_SLOT, null, "all " + f.slots()
                        + " reboot slots of group " + group + " are held by hosts that did not come back ("
                        + String.join(", ", f.holders().stream().map(SlotHolder::holder).toList())
                        + "); see fleetroll reboot-slots list, release one with --reason once it is dealt with"));
            }
            synchronized (released) { // woken when this run frees a slot; other processes' releases are polled
                try {
                    released.wait(pollEvery.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return done(plan, approval, new HostReboot(host, group, null, HostReboot.CANCELLED, null, "interrupted while waiting for a slot"));
                }
            }
        }
        ClimbResult climb;
        try {
            climb = ladder.climb(host, plan.reason(), slot);
        } catch (RuntimeException e) {
            LOG.warn("{}: the reboot ladder failed", host, e);
            climb = new ClimbResult(host, false, List.of(), "the ladder failed: " + e.getMessage());
        }
        if (climb.cameBack()) {
            slots.release(host, owner);
            synchronized (released) {
                released.notifyAll();
            }
            return done(plan, approval, new HostReboot(host, group, slot.slot(), HostReboot.CAME_BACK, climb, climb.summary()));
        }
        slots.mark(host, owner, SlotHolder.STUCK, climb.summary(), clock.instant());
        return done(plan, approval, new HostReboot(host, group, slot.slot(), HostReboot.NOT_BACK, climb, climb.summary()
                + "; keeps reboot slot " + slot.slot() + " of group " + group + " until fleetroll reboot-slots release "
                + host + " --reason TEXT"));
    }

    private HostReboot done(RebootPlan plan, String approval, HostReboot r) {
        Map<String, Object> observed = new LinkedHashMap<>();
        observed.put("detail", r.detail());
        observed.put("slot_kept", r.slotKept());
        if (r.climb() != null) {
            observed.put("rungs", r.climb().attempts().stream().map(a -> a.rung() + ":" + a.outcome()).toList());
        }
        try {
            auditLog.append(AuditRecord.builder(AUDIT_DONE).host(r.host()).ok(r.ok()).outcome(r.outcome())
                    .reason(plan.reason()).parameter("group", r.group()).parameter("slot", r.slot())
                    .parameter("approval", approval).observed(observed).build());
        } catch (RuntimeException e) {
            LOG.error("{}: reboot end ({}) was not recorded in the audit log: {}", r.host(), r.outcome(), e.getMessage());
        }
        return r;
    }

    private void auditDecision(RebootPlan plan, WriteGate.Decision d) {
        Map<String, Object> obs = new LinkedHashMap<>();
        if (d.explanation() != null) {
            obs.put("explanation", d.explanation());
        }
        auditLog.append(AuditRecord.builder(RebootPlan.AUDIT_ACTION).hosts(plan.hosts())
                .ok(d.verdict() == WriteGate.Verdict.DRY_RUN).outcome(d.verdict().auditOutcome())
                .dryRun(d.verdict() == WriteGate.Verdict.DRY_RUN).reason(plan.reason())
                .parameter("fanout", plan.fanout()).parameter("deadline_s", plan.deadline().toSeconds())
                .parameter("approval", d.decidedBy()).observed(obs).build());
    }
}
