package dev.fleetroll.rollout;

import dev.fleetroll.UserError;
import dev.fleetroll.auditlog.AuditRecord;
import dev.fleetroll.content.Humanhash;
import dev.fleetroll.ops.AuditReport;
import dev.fleetroll.ops.write.HostWrite;
import dev.fleetroll.ops.PuppetRunReport;
import dev.fleetroll.ops.PuppetRunResult;
import dev.fleetroll.ops.RolloutStep;
import dev.fleetroll.ops.RunPuppet;
import dev.fleetroll.ops.write.SetOverride;
import dev.fleetroll.ops.write.UnsetOverride;
import dev.fleetroll.ops.write.WriteContext;
import dev.fleetroll.ops.WriteGate;
import dev.fleetroll.ops.write.WriteOptions;
import dev.fleetroll.ops.WriteRefused;
import dev.fleetroll.ops.write.WriteResults;
import dev.fleetroll.ops.write.WriteSource;
import dev.fleetroll.puppet.OverrideValidator;
import dev.fleetroll.remote.ManagedFile;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.state.Columns;
import dev.fleetroll.state.HostState;
import dev.fleetroll.state.Observation;
import dev.fleetroll.state.Query;
import dev.fleetroll.util.Durations;
import dev.fleetroll.util.Sha256;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staged rollouts (DESIGN.md section 7), one operation per command: {@link #start}, {@link #advance}, {@link #pause},
 * {@link #resume}, {@link #rollback}, {@link #finalizeRollout}, {@link #status}, {@link #list}. A rollout pushes one
 * override through stages (canary, then batches), runs Puppet on each stage's hosts, and moves on only when the
 * stage's gate passes: after the soak, every host of the stage is audited again and must meet the gate query (a host
 * that cannot be audited, or rebooted since the stage was applied, fails it); at most {@code maxFailures} may fail.
 * A failed gate pauses the rollout; {@code advance(force, reason)} overrides it and the audit log records the gate
 * configuration and state, {@code forced} and the reason.
 *
 * <p>State is in the store ({@link RolloutStore}), written as each step ends, so a rollout survives the console
 * closing, a crash, and is the same in every console. Advance, rollback, finalize, pause and resume hold the store's
 * advance lease: two at once, one wins and the other is told who is at it. Host-changing steps go through the
 * {@link WriteGate} once (the console asks, scripts and the CLI are dry runs unless {@code --confirm}).
 */
public final class Rollouts {
    private static final Logger LOG = LoggerFactory.getLogger(Rollouts.class);

    /** What the operator asks for; {@link #plan} checks it and makes the stored {@link RolloutPlan}. */
    public record Definition(String name, List<String> targets, Map<String, String> skip, WriteSource override,
                             List<String> canary, List<BatchSize> batches, String gate, Duration soak, int maxFailures,
                             boolean runPuppet) {}

    /** Default gate: the override was applied by a successful Puppet run and the host is healthy. */
    public static final String DEFAULT_GATE = "applied=y";

    private final WriteContext ctx;
    private final RolloutStore store;
    private final Clock clock;

    public Rollouts(WriteContext ctx, RolloutStore store) {
        this.ctx = ctx;
        this.store = store;
        this.clock = ctx.clock();
    }

    private String actor() {
        return ctx.auditLog().actor();
    }

    /** Parses a gate: a monitor query every host of a stage must meet. Errors name the column and the valid ones. */
    public static Query gateQuery(String text) {
        if (text == null || text.isBlank()) {
            throw new UserError("rollout gate is empty: give a monitor query every host must meet, e.g. 'applied=y healthy=y'");
        }
        Query q;
        try {
            q = Query.parse(text, Columns.standard());
        } catch (UserError e) {
            throw new UserError("rollout gate '" + text + "': " + e.getMessage(), e);
        }
        if (q.hasSort() || q.conditions().isEmpty()) {
            throw new UserError("rollout gate '" + text + "': give conditions only (COL OP VALUE), no sort");
        }
        return q;
    }

    // ---- plan and start ----------------------------------------------------------------------------------

    /** Checks a definition without touching a host: name, gate, override file, canary and batches. */
    public RolloutPlan plan(Definition d) {
        RolloutPlan.checkName(d.name());
        gateQuery(d.gate() == null ? DEFAULT_GATE : d.gate());
        if (d.override() == null) {
            throw new UserError("rollout " + d.name() + ": name the override to roll out (override file('x.override'))");
        }
        OverrideValidator.validate(d.override().bytes(), d.override().name());
        Map<String, String> skip = d.skip() == null ? Map.of() : d.skip();
        List<String> targets = new ArrayList<>(new LinkedHashSet<>(d.targets()));
        targets.removeAll(skip.keySet());
        if (targets.isEmpty()) {
            throw new UserError("rollout " + d.name() + ": no target hosts" + (skip.isEmpty() ? "" : " left after skipping " + skip.size()));
        }
        List<String> canary = d.canary() == null ? List.of() : d.canary();
        List<String> stray = canary.stream().filter(h -> !targets.contains(h)).toList();
        if (!stray.isEmpty()) {
            throw new UserError("rollout " + d.name() + ": canary host" + (stray.size() == 1 ? " " : "s ")
                    + String.join(", ", stray) + " not among the targets");
        }
        if (d.maxFailures() < 0) {
            throw new UserError("rollout " + d.name() + ": maxFailures must be 0 or more, not " + d.maxFailures());
        }
        Duration soak = d.soak() == null ? Duration.ZERO : d.soak();
        if (soak.isNegative()) {
            throw new UserError("rollout " + d.name() + ": soak must not be negative");
        }
        String text = new String(d.override().bytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new RolloutPlan(d.name(), targets, skip, d.override().name(), text, Sha256.hex(d.override().bytes()), canary,
                d.batches(), d.gate() == null ? DEFAULT_GATE : d.gate(), soak.toSeconds(), d.maxFailures(), d.runPuppet());
    }

    /**
     * Starts a rollout: checks the definition, audits the targets (a target that already has another override stops
     * the start, naming it: skip it explicitly), asks the gate, stores the rollout and applies its first stage.
     * A dry run stores nothing.
     */
    public RolloutResult start(Definition d, WriteGate gate, BatchListener listener, Cancellation cancellation) {
        RolloutPlan plan = plan(d);
        if (store.load(plan.name()).isPresent()) {
            throw new UserError("a rollout named '" + plan.name() + "' exists already; see fleetroll rollout status "
                    + plan.name() + ", or choose another name");
        }
        AuditReport audit = ctx.fleet().audit(plan.targets(), listener, cancellation);
        checkCancelled(cancellation, "start");
        List<String> blocked = new ArrayList<>();
        for (Observation o : audit.observations()) {
            String sha = o.ok() && o.override() != null ? o.override().sha256() : null;
            if (sha != null && !sha.equals(plan.overrideSha())) {
                blocked.add(o.host() + " (" + Humanhash.tryOf(sha) + ")");
            }
        }
        if (!blocked.isEmpty()) {
            throw new UserError("rollout " + plan.name() + " will not start: " + blocked.size() + " target"
                    + (blocked.size() == 1 ? " has" : "s have") + " another override: " + String.join(", ",
                    blocked.stream().limit(10).toList()) + (blocked.size() > 10 ? ", ..." : "")
                    + "; skip them explicitly (skip 'host' in the DSL, --skip in the CLI) or remove their overrides first");
        }
        List<List<String>> stages = plan.stages();
        List<String> notes = new ArrayList<>();
        notes.add(stages.size() + " stages: " + String.join(", ", stages.stream().map(s -> Integer.toString(s.size())).toList())
                + " hosts; gate '" + plan.gate() + "', at most " + plan.maxFailures() + " failing, soak "
                + Durations.format(plan.soak()));
        plan.skipped().forEach((h, why) -> notes.add("skipped " + h + ": " + why));
        audit.failed().forEach(o -> notes.add("not reachable now: " + o.host() + " (" + o.outcome().label() + ")"));
        RolloutStep step = step("start", plan, stageTitle(plan, 0), stages.get(0), null, false, null, notes);
        WriteGate.Decision decision = WriteGate.ask(gate, step);
        if (decision.verdict() != WriteGate.Verdict.WRITE) {
            auditDecision(step, plan, decision);
            decision.throwIfRefused(step);
            return new RolloutResult("start", null, decision, null, true, "rollout " + plan.name() + ": "
                    + decision.verdict().auditOutcome() + ", nothing started", List.of());
        }
        Instant now = clock.instant();
        store.create(plan, stages, actor(), now);
        ctx.auditLog().append(record("rollout.start", plan, stages.get(0), decision).ok(true).outcome("started")
                .build());
        List<String> warnings = new ArrayList<>();
        return leased(plan.name(), "started", () -> {
            boolean done = applyStage(plan, 0, decision.decidedBy(), listener, cancellation, warnings);
            RolloutStatus s = store.require(plan.name());
            return new RolloutResult("start", s, decision, null, done, describe(s, done), warnings);
        });
    }

    // ---- advance -----------------------------------------------------------------------------------------

    /**
     * Assesses the current stage's gate (after its soak) and, when it passes, moves on and applies the next stage. A
     * failing gate pauses the rollout (nothing is pushed) unless {@code force} with a reason. A stage left half-applied
     * (interrupted, crashed) is applied again first.
     */
    public RolloutResult advance(String name, boolean force, String reason, WriteGate gate, BatchListener listener,
                                 Cancellation cancellation) {
        if (force && (reason == null || reason.isBlank())) {
            throw new UserError("rollout advance --force needs a reason (--reason '...', or reason: in the DSL): it goes"
                    + " to the audit log with the gate's state");
        }
        return leased(name, "advanced", () -> {
            RolloutStatus s = store.require(name);
            RolloutPlan plan = s.plan();
            if (s.state().ended() || s.state() == RolloutState.COMPLETE) {
                throw new UserError("rollout " + name + " is " + s.state().label() + ": there is nothing to advance");
            }
            if (s.state() == RolloutState.PAUSED && !force) {
                throw new UserError("rollout " + name + " is paused" + pauseWhy(s) + "; resume it first (fleetroll rollout"
                        + " resume " + name + "), or advance --force --reason '...'");
            }
            RolloutStatus.Stage cur = s.current();
            List<String> warnings = new ArrayList<>();
            if (cur.state() == StageState.PENDING || cur.state() == StageState.APPLYING) {
                RolloutStep step = step("apply", plan, stageTitle(plan, cur.index()), cur.hosts(), null, false, reason,
                        List.of("this stage was not fully applied (interrupted?): applying it again"));
                WriteGate.Decision decision = WriteGate.ask(gate, step);
                if (decision.verdict() != WriteGate.Verdict.WRITE) {
                    auditDecision(step, plan, decision);
                    decision.throwIfRefused(step);
                    return new RolloutResult("advance", s, decision, null, true, "rollout " + name + ": "
                            + decision.verdict().auditOutcome() + ", nothing applied", List.of());
                }
                boolean done = applyStage(plan, cur.index(), decision.decidedBy(), listener, cancellation, warnings);
                RolloutStatus after = store.require(name);
                return new RolloutResult("advance", after, decision, null, done,
                        describe(after, done), warnings);
            }
            Instant now = clock.instant();
            Duration soak = s.soakRemaining(now);
            if (!soak.isZero() && !force) {
                throw new UserError("rollout " + name + ": " + stageTitle(plan, cur.index()) + " soaks until "
                        + cur.soakUntil().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " (" + Durations.humanize(soak)
                        + " left); advance after it, or --force --reason '...'");
            }
            GateResult g = assess(s, cur, listener, cancellation);
            checkCancelled(cancellation, "advance");
            boolean forced = force && (!g.passed() || !soak.isZero() || s.state() == RolloutState.PAUSED);
            if (!g.passed() && !force) {
                store.stageState(name, cur.index(), StageState.PAUSED, clock.instant());
                store.rolloutState(name, RolloutState.PAUSED, clock.instant());
                store.event(name, actor(), "gate-failed", stageTitle(plan, cur.index()) + ": " + g.summary(), clock.instant());
                ctx.auditLog().append(record("rollout.advance", plan, cur.hosts(), null).ok(false).outcome("gate-failed")
                        .observed(gateState(g)).build());
                return new RolloutResult("advance", store.require(name), null, g, false, "rollout " + name + " paused at "
                        + stageTitle(plan, cur.index()) + ": " + g.summary(), List.of());
            }
            int next = cur.index() + 1;
            boolean last = next >= s.stages().size();
            List<String> nextHosts = last ? List.of() : s.stages().get(next).hosts();
            List<String> notes = new ArrayList<>();
            if (forced) {
                notes.add("FORCED past " + (g.passed() ? "" : "a failing gate ") + (soak.isZero() ? "" : "the soak ")
                        + (s.state() == RolloutState.PAUSED ? "the pause " : "") + "by " + actor() + ": " + reason);
            }
            if (last) {
                notes.add("last stage: the rollout completes");
            }
            RolloutStep step = step("advance", plan, last ? null : stageTitle(plan, next), nextHosts, g.summary(), forced,
                    reason, notes);
            WriteGate.Decision decision = WriteGate.ask(gate, step);
            if (decision.verdict() != WriteGate.Verdict.WRITE) {
                auditDecision(step, plan, decision);
                decision.throwIfRefused(step);
                return new RolloutResult("advance", s, decision, g, true, "rollout " + name + ": "
                        + decision.verdict().auditOutcome() + ", not advanced", List.of());
            }
            now = clock.instant();
            store.advanced(name, cur.index(), last ? cur.index() : next, actor(), forced, reason, now);
            store.event(name, actor(), forced ? "advance-forced" : "advance", stageTitle(plan, cur.index()) + " -> "
                    + (last ? "complete" : stageTitle(plan, next)) + ": " + g.summary() + (forced ? "; reason: " + reason : ""), now);
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("from_stage", cur.index());
            ctx.auditLog().append(record("rollout.advance", plan, cur.hosts(), decision).ok(true)
                    .outcome(forced ? "forced" : "advanced").forced(forced).reason(reason).observed(gateState(g)).build());
            if (last) {
                store.rolloutState(name, RolloutState.COMPLETE, now);
                store.event(name, actor(), "complete", "every stage passed its gate", now);
                RolloutStatus after = store.require(name);
                return new RolloutResult("advance", after, decision, g, true, describe(after, true), List.of());
            }
            store.rolloutState(name, RolloutState.ACTIVE, now);
            boolean done = applyStage(plan, next, decision.decidedBy(), listener, cancellation, warnings);
            RolloutStatus after = store.require(name);
            return new RolloutResult("advance", after, decision, g, done, describe(after, done), warnings);
        });
    }

    /**
     * Audits the stage's hosts (and refreshes GitHub and Taskcluster when the gate looks at them), evaluates the gate
     * per host and records the result. A host that could not be audited, or rebooted since the stage was applied,
     * fails.
     */
    GateResult assess(RolloutStatus s, RolloutStatus.Stage stage, BatchListener listener, Cancellation cancellation) {
        Query q = gateQuery(s.plan().gate());
        List<String> hosts = stage.hosts();
        long t0 = System.nanoTime();
        AuditReport audit = ctx.fleet().audit(hosts, listener, cancellation);
        long t1 = System.nanoTime();
        boolean external = q.conditions().stream().anyMatch(c -> Columns.EXTERNAL.contains(c.column().name()));
        List<String> problems = new ArrayList<>();
        if (external) {
            try {
                ctx.fleet().gatherGithub(false);
            } catch (RuntimeException e) {
                problems.add("GitHub: " + e.getMessage());
            }
            try {
                ctx.fleet().gatherTaskcluster(hosts);
            } catch (RuntimeException e) {
                problems.add("Taskcluster: " + e.getMessage());
            }
            problems.forEach(p -> LOG.warn("rollout {}: gate data not refreshed: {}", s.name(), p));
        }
        Instant now = clock.instant();
        Map<String, Observation> fresh = new LinkedHashMap<>();
        audit.observations().forEach(o -> fresh.put(o.host(), o));
        Map<String, HostState> states = ctx.fleet().states(hosts, now);
        List<GateResult.HostGate> verdicts = new ArrayList<>();
        for (String h : hosts) {
            Observation o = fresh.get(h);
            if (o == null || !o.ok()) {
                verdicts.add(new GateResult.HostGate(h, false, "not audited: " + (o == null ? "cancelled"
                        : o.outcome().label() + (o.error() == null ? "" : " " + o.error()))));
                continue;
            }
            if (stage.appliedAt() != null && o.uptimeSeconds() != null
                    && o.uptimeSeconds() < Duration.between(stage.appliedAt(), o.ts()).toSeconds()) {
                verdicts.add(new GateResult.HostGate(h, false, "rebooted since the stage was applied (up "
                        + Durations.humanize(Duration.ofSeconds(o.uptimeSeconds())) + ")"));
                continue;
            }
            HostState st = states.get(h);
            List<String> failed = q.conditions().stream().filter(c -> !c.matches(st))
                    .map(c -> c.source() + " (is " + c.column().displayOf(st) + ")").toList();
            verdicts.add(new GateResult.HostGate(h, failed.isEmpty(), failed.isEmpty() ? "ok" : String.join(", ", failed)
                    + (problems.isEmpty() ? "" : "; " + String.join("; ", problems))));
        }
        GateResult g = new GateResult(s.plan().gate(), s.plan().maxFailures(), now, verdicts);
        store.recordGate(s.name(), stage.index(), g, now);
        LOG.debug("rollout {}: gate of {} hosts: audit {} ms, external data, evaluation and store {} ms", s.name(),
                hosts.size(), (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
        return g;
    }

    // ---- pause, resume -----------------------------------------------------------------------------------

    /** Stops the rollout from advancing until {@link #resume}; touches no host. */
    public RolloutStatus pause(String name, String reason) {
        return leased(name, "paused", () -> {
            RolloutStatus s = store.require(name);
            if (s.state() != RolloutState.ACTIVE) {
                throw new UserError("rollout " + name + " is " + s.state().label() + "; only an active rollout can be paused");
            }
            Instant now = clock.instant();
            if (s.current().state() == StageState.APPLIED) {
                store.stageState(name, s.current().index(), StageState.PAUSED, now);
            }
            store.rolloutState(name, RolloutState.PAUSED, now);
            store.event(name, actor(), "pause", reason, now);
            ctx.auditLog().append(record("rollout.pause", s.plan(), s.current().hosts(), null).ok(true).outcome("paused")
                    .reason(reason).build());
            return store.require(name);
        });
    }

    /** Lets a paused rollout advance again: its current stage waits for assessment again. */
    public RolloutStatus resume(String name) {
        return leased(name, "resumed", () -> {
            RolloutStatus s = store.require(name);
            if (s.state() != RolloutState.PAUSED) {
                throw new UserError("rollout " + name + " is " + s.state().label() + ", not paused");
            }
            Instant now = clock.instant();
            if (s.current().state() == StageState.PAUSED) {
                store.stageState(name, s.current().index(), StageState.APPLIED, now);
            }
            store.rolloutState(name, RolloutState.ACTIVE, now);
            store.event(name, actor(), "resume", null, now);
            ctx.auditLog().append(record("rollout.resume", s.plan(), s.current().hosts(), null).ok(true).outcome("resumed")
                    .build());
            return store.require(name);
        });
    }

    // ---- rollback, finalize ------------------------------------------------------------------------------

    /**
     * Takes the override back from every host that got it: a host that had no override before loses it (only when
     * it is still this rollout's: {@code onlyIfSha}); one that had another gets that one back from the local content
     * store; one that already had this override keeps it. Optionally runs Puppet on them; re-audits them.
     */
    public RolloutResult rollback(String name, boolean runPuppet, String reason, WriteGate gate, BatchListener listener,
                                  Cancellation cancellation) {
        return leased(name, "rolled back", () -> {
            RolloutStatus s = store.require(name);
            RolloutPlan plan = s.plan();
            if (s.state().ended()) {
                throw new UserError("rollout " + name + " is " + s.state().label() + " already");
            }
            List<String> unset = new ArrayList<>();
            Map<String, List<String>> restore = new LinkedHashMap<>();
            List<String> keep = new ArrayList<>();
            for (RolloutStatus.HostRecord h : s.hosts().values()) {
                if (!h.pushed()) {
                    continue;
                }
                if (h.priorSha() == null) {
                    unset.add(h.host());
                } else if (h.priorSha().equals(plan.overrideSha())) {
                    keep.add(h.host());
                } else {
                    restore.computeIfAbsent(h.priorSha(), k -> new ArrayList<>()).add(h.host());
                }
            }
            List<String> all = new ArrayList<>(unset);
            restore.values().forEach(all::addAll);
            List<String> notes = new ArrayList<>();
            notes.add(unset.size() + " hosts lose the override" + (restore.isEmpty() ? "" : ", " + (all.size() - unset.size())
                    + " get their previous one back") + (keep.isEmpty() ? "" : ", " + keep.size() + " had it before and keep it"));
            if (runPuppet) {
                notes.add("then Puppet runs on them");
            }
            RolloutStep step = step("rollback", plan, null, all, null, false, reason, notes);
            WriteGate.Decision decision = WriteGate.ask(gate, step);
            if (decision.verdict() != WriteGate.Verdict.WRITE) {
                auditDecision(step, plan, decision);
                decision.throwIfRefused(step);
                return new RolloutResult("rollback", s, decision, null, true, "rollout " + name + ": "
                        + decision.verdict().auditOutcome() + ", nothing rolled back", List.of());
            }
            WriteGate go = WriteGate.confirmed(decision.decidedBy());
            String why = "rollout " + name + ": rollback" + (reason == null ? "" : ": " + reason);
            List<String> warnings = new ArrayList<>();
            List<RolloutStore.Push> records = new ArrayList<>();
            List<String> done = new ArrayList<>();
            boolean allRestorable = true;
            if (!unset.isEmpty()) {
                WriteResults r = new UnsetOverride(ctx).run(unset, new WriteOptions(why, null, null, null, null, false, null,
                        plan.overrideSha(), !runPuppet, null), go, listener, cancellation);
                collect(r, records, done, "rolled-back");
            }
            for (Map.Entry<String, List<String>> e : restore.entrySet()) {
                var content = ctx.content().find(ManagedFile.OVERRIDE, e.getKey());
                if (content.isEmpty()) {
                    warnings.add("no local copy of override " + e.getKey().substring(0, 12) + ": " + String.join(", ", e.getValue())
                            + " keep this rollout's override; restore theirs by hand (backups are on the hosts)");
                    allRestorable = false;
                    continue;
                }
                WriteResults r = new SetOverride(ctx).run(e.getValue(), new WriteSource(content.get(), "rollback of " + name),
                        new WriteOptions(why, null, null, null, null, true, null, null, !runPuppet, null), go, listener,
                        cancellation);
                collect(r, records, done, "restored");
            }
            Instant now = clock.instant();
            store.recordPushes(name, records, now);
            if (runPuppet && !done.isEmpty() && !cancellation.isCancelled()) {
                PuppetRunReport pr = new RunPuppet(ctx).run(done, new RunPuppet.Options(null, null, why, true), go, listener,
                        cancellation, null);
                store.recordPuppet(name, puppetOutcomes(pr), clock.instant());
                // the overrides are back either way; a host whose Puppet fails is named (and recorded per host)
                pr.failed().forEach(h -> warnings.add("puppet failed on " + h + " after the rollback"));
            }
            // rolled back only when every host's override is back: a host left with this rollout's override (no local
            // copy of its previous one, a failed write) keeps the rollout open, so a later rollback can finish it
            boolean ok = allRestorable && records.stream().allMatch(p -> p.error() == null);
            if (ok && !cancellation.isCancelled()) {
                store.allStages(name, StageState.ROLLED_BACK, clock.instant());
                store.rolloutState(name, RolloutState.ROLLED_BACK, clock.instant());
            }
            store.event(name, actor(), "rollback", done.size() + " hosts" + (reason == null ? "" : "; reason: " + reason),
                    clock.instant());
            ctx.auditLog().append(record("rollout.rollback", plan, all, decision).ok(ok).outcome(ok ? "rolled-back" : "failed")
                    .reason(reason).build());
            RolloutStatus after = store.require(name);
            return new RolloutResult("rollback", after, decision, null, ok, "rollout " + name + " rolled back on "
                    + done.size() + " of " + all.size() + " hosts", warnings);
        });
    }

    /**
     * After the branch is merged: removes this rollout's override from every target in one confirmed, irreversible
     * step (each removal is backed up on the host, and the content stays in the local content store).
     */
    public RolloutResult finalizeRollout(String name, String reason, WriteGate gate, BatchListener listener,
                                         Cancellation cancellation) {
        return leased(name, "finalized", () -> {
            RolloutStatus s = store.require(name);
            RolloutPlan plan = s.plan();
            if (s.state() != RolloutState.COMPLETE) {
                throw new UserError("rollout " + name + " is " + s.state().label() + ": finalize comes after every stage"
                        + " passed (advance it to the end), once the branch is merged; or roll it back");
            }
            RolloutStep step = step("finalize", plan, null, plan.targets(), null, false, reason,
                    List.of("IRREVERSIBLE: the override is removed from all " + plan.targets().size()
                            + " targets (backed up on each host); the rollout cannot be advanced or rolled back afterwards"));
            WriteGate.Decision decision = WriteGate.ask(gate, step);
            if (decision.verdict() != WriteGate.Verdict.WRITE) {
                auditDecision(step, plan, decision);
                decision.throwIfRefused(step);
                return new RolloutResult("finalize", s, decision, null, true, "rollout " + name + ": "
                        + decision.verdict().auditOutcome() + ", nothing removed", List.of());
            }
            String why = "rollout " + name + ": finalize" + (reason == null ? "" : ": " + reason);
            WriteResults r = new UnsetOverride(ctx).run(plan.targets(), new WriteOptions(why, null, null, null, true, false,
                    null, plan.overrideSha(), true, null), WriteGate.confirmed(decision.decidedBy()), listener, cancellation);
            List<RolloutStore.Push> records = new ArrayList<>();
            List<String> done = new ArrayList<>();
            collect(r, records, done, "finalized");
            Instant now = clock.instant();
            store.recordPushes(name, records, now);
            boolean ok = r.allOk();
            if (ok) {
                store.rolloutState(name, RolloutState.FINALIZED, now);
            }
            store.event(name, actor(), ok ? "finalize" : "finalize-incomplete", r.summary(), now);
            ctx.auditLog().append(record("rollout.finalize", plan, plan.targets(), decision).ok(ok)
                    .outcome(ok ? "finalized" : "failed").reason(reason).build());
            RolloutStatus after = store.require(name);
            return new RolloutResult("finalize", after, decision, null, ok, ok ? "rollout " + name + " finalized: "
                    + r.summary() : "rollout " + name + " not finalized: " + r.summary() + " (run finalize again)", r.warnings());
        });
    }

    public RolloutStatus status(String name) {
        return store.require(name);
    }

    public List<RolloutStatus> list() {
        return store.list();
    }

    // ---- stages ------------------------------------------------------------------------------------------

    /**
     * Pushes the override to stage {@code idx}'s hosts and runs Puppet on those that took it, recording each step;
     * the stage is APPLIED (soak starts) only when nothing was cancelled. Returns false when interrupted.
     */
    private boolean applyStage(RolloutPlan plan, int idx, String approval, BatchListener listener, Cancellation cancellation,
                               List<String> warnings) {
        long t0 = System.nanoTime();
        RolloutStatus s = store.require(plan.name());
        List<String> hosts = s.stages().get(idx).hosts();
        store.stageState(plan.name(), idx, StageState.APPLYING, clock.instant());
        long t1 = System.nanoTime();
        WriteGate go = WriteGate.confirmed(approval);
        String why = "rollout " + plan.name() + ": " + stageTitle(plan, idx);
        WriteResults w = new SetOverride(ctx).run(hosts, new WriteSource(plan.overrideText().getBytes(
                java.nio.charset.StandardCharsets.UTF_8), plan.source()), new WriteOptions(why, null, null, null, null, false,
                null, null, !plan.runPuppet(), null), go, listener, cancellation);
        long t2 = System.nanoTime();
        List<RolloutStore.Push> pushes = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        collect(w, pushes, ok, null);
        store.recordPushes(plan.name(), pushes, clock.instant());
        long t3 = System.nanoTime();
        long puppetMs = 0;
        warnings.addAll(w.warnings());
        if (cancellation.isCancelled()) {
            store.event(plan.name(), actor(), "interrupted", stageTitle(plan, idx) + ": " + w.summary(), clock.instant());
            return false;
        }
        if (plan.runPuppet() && !ok.isEmpty()) {
            long p0 = System.nanoTime();
            PuppetRunReport pr = new RunPuppet(ctx).run(ok, new RunPuppet.Options(null, null, why, true), go, listener,
                    cancellation, null);
            puppetMs = (System.nanoTime() - p0) / 1_000_000;
            store.recordPuppet(plan.name(), puppetOutcomes(pr), clock.instant());
            warnings.addAll(pr.warnings());
            if (cancellation.isCancelled()) {
                store.event(plan.name(), actor(), "interrupted", stageTitle(plan, idx) + ": " + pr.summary(), clock.instant());
                return false;
            }
        }
        Instant now = clock.instant();
        store.stageApplied(plan.name(), idx, now, now.plus(plan.soak()));
        store.event(plan.name(), actor(), "applied", stageTitle(plan, idx) + ": " + w.summary(), now);
        LOG.debug("rollout {}: {} of {} hosts: store {} ms, push and re-audit {} ms, puppet and its re-audit {} ms,"
                + " total {} ms", plan.name(), stageTitle(plan, idx), hosts.size(), (t1 - t0 + System.nanoTime() - t3) / 1_000_000
                - puppetMs, (t2 - t1) / 1_000_000, puppetMs, (System.nanoTime() - t0) / 1_000_000);
        return true;
    }

    private static void collect(WriteResults r, List<RolloutStore.Push> records, List<String> ok, String okLabel) {
        for (HostWrite h : r.hosts()) {
            String label = h.transport() == Outcome.CANCELLED ? "cancelled" : h.outcome().label();
            records.add(new RolloutStore.Push(h.host(), okLabel != null && h.outcome().ok() ? okLabel : label,
                    h.outcome().ok() ? null : h.error(), h.reply().oldSha256()));
            if (h.outcome().ok()) {
                ok.add(h.host());
            }
        }
    }

    private static List<RolloutStore.PuppetOutcome> puppetOutcomes(PuppetRunReport pr) {
        return pr.hosts().stream().map(r -> new RolloutStore.PuppetOutcome(r.host(), r.puppetExit(), r.label())).toList();
    }

    static String stageTitle(RolloutPlan plan, int idx) {
        return idx == 0 && !plan.canary().isEmpty() ? "canary" : "stage " + idx;
    }

    private static String describe(RolloutStatus s, boolean applied) {
        RolloutStatus.Stage cur = s.current();
        String t = cur.title(s.hasCanary());
        if (s.state() == RolloutState.COMPLETE) {
            return "rollout " + s.name() + " complete: every stage passed its gate";
        }
        if (!applied) {
            return "rollout " + s.name() + ": " + t + " interrupted before it was fully applied; advance again to finish it";
        }
        long bad = cur.hosts().stream().map(h -> s.hosts().get(h)).filter(h -> h == null
                || !("changed".equals(h.push()) || "unchanged".equals(h.push())) || h.puppet() != null && !"ok".equals(h.puppet()))
                .count();
        return "rollout " + s.name() + ": " + t + " applied to " + cur.hosts().size() + " host"
                + (cur.hosts().size() == 1 ? "" : "s") + (bad == 0 ? "" : " (" + bad + " with problems)")
                + "; soak until " + cur.soakUntil().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + ", then advance (stage " + (cur.index() + 1) + " of " + s.stages().size() + ")";
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** Runs {@code body} holding the lease; what it returns is read again after the lease is given back. */
    @SuppressWarnings("unchecked")
    private <T> T leased(String name, String doing, Supplier<T> body) {
        String token = store.acquire(name, actor(), doing, clock.instant());
        T result;
        try {
            result = body.get();
        } finally {
            store.release(name, token);
        }
        if (result instanceof RolloutResult r && r.status() != null) {
            return (T) new RolloutResult(r.action(), store.require(name), r.decision(), r.gate(), r.ok(), r.message(),
                    r.warnings());
        }
        if (result instanceof RolloutStatus) {
            return (T) store.require(name);
        }
        return result;
    }

    private RolloutStep step(String action, RolloutPlan plan, String stage, List<String> hosts, String gateState,
                             boolean forced, String reason, List<String> notes) {
        return new RolloutStep(action, plan.name(), stage, hosts, plan.overrideSha(), Humanhash.of(plan.overrideSha()),
                plan.gate(), gateState, plan.runPuppet(), forced, reason, notes);
    }

    private static void checkCancelled(Cancellation c, String what) {
        if (c != null && c.isCancelled()) {
            throw new UserError("rollout " + what + " interrupted: " + c.reason() + " (nothing was changed by this step)");
        }
    }

    private static String pauseWhy(RolloutStatus s) {
        for (int i = s.events().size() - 1; i >= 0; i--) {
            RolloutStatus.Event e = s.events().get(i);
            if (e.event().equals("gate-failed") || e.event().equals("pause")) {
                return " (" + e.event() + (e.detail() == null ? "" : ": " + e.detail()) + ", by " + e.actor() + ")";
            }
        }
        return "";
    }

    /** The gate configuration, as every rollout audit record carries it ({@code parameters.gates}). */
    private static Map<String, Object> gates(RolloutPlan plan) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("query", plan.gate());
        g.put("max_failures", plan.maxFailures());
        g.put("soak_s", plan.soakSeconds());
        return g;
    }

    /** The gate's state at a decision ({@code observed.gates}). */
    private static Map<String, Object> gateState(GateResult g) {
        Map<String, Object> o = new LinkedHashMap<>();
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("passed", g.passed());
        state.put("failing", g.failing());
        state.put("assessed_at", g.assessedAt().toString());
        Map<String, String> detail = new LinkedHashMap<>();
        g.hosts().stream().filter(h -> !h.pass()).forEach(h -> detail.put(h.host(), h.detail()));
        state.put("detail", detail);
        o.put("gates", state);
        return o;
    }

    private AuditRecord.Builder record(String action, RolloutPlan plan, List<String> hosts, WriteGate.Decision decision) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("rollout", plan.name());
        p.put("override_sha256", plan.overrideSha());
        p.put("source", plan.source());
        p.put("gates", gates(plan));
        if (decision != null) {
            p.put("approval", decision.decidedBy());
        }
        return AuditRecord.builder(action).hosts(hosts).parameters(p);
    }

    private void auditDecision(RolloutStep step, RolloutPlan plan, WriteGate.Decision d) {
        Map<String, Object> obs = new LinkedHashMap<>();
        if (d.explanation() != null) {
            obs.put("explanation", d.explanation());
        }
        if (step.gateState() != null) {
            obs.put("gate_state", step.gateState());
        }
        ctx.auditLog().append(record("rollout." + step.action(), plan, step.hosts(), d)
                .ok(d.verdict() == WriteGate.Verdict.DRY_RUN).outcome(d.verdict().auditOutcome())
                .dryRun(d.verdict() == WriteGate.Verdict.DRY_RUN).forced(step.forced()).reason(step.reason())
                .observed(obs).build());
    }
}
