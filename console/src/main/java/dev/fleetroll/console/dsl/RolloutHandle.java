package dev.fleetroll.console.dsl;

import dev.fleetroll.console.progress.Progress;
import dev.fleetroll.UserError;
import dev.fleetroll.console.render.RolloutFormatter;
import dev.fleetroll.rollout.RolloutResult;
import dev.fleetroll.rollout.RolloutStatus;
import dev.fleetroll.rollout.RolloutStore;
import dev.fleetroll.rollout.Rollouts;
import dev.fleetroll.util.Durations;
import dev.fleetroll.util.NamedOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A rollout in the DSL: {@code rollout('name') { ... }} defines it (or finds it, when the store has it already: a
 * saved procedure run again continues where it stopped), {@code rollout('name')} finds it. Verbs are thin calls into
 * {@link Rollouts}; host-changing ones ({@code start}, {@code advance}, {@code rollback}, {@code finalizeRollout})
 * follow the write rule: the console asks, {@code fleetroll run} is a dry run unless {@code --confirm}.
 *
 * <p>{@code advance()} waits out the soak first (Ctrl-C interrupts) and stops the script with exit status 1 when the
 * gate fails (the rollout is paused); {@code advance(force: true, reason: '...')} overrides the gate.
 */
public final class RolloutHandle {
    private final DslSession session;
    private final String name;
    private final RolloutSpec spec;
    /** A dry-run start stored nothing: later verbs say so instead of failing. */
    private boolean dryRunOnly;

    RolloutHandle(DslSession session, String name, RolloutSpec spec) {
        this.session = session;
        this.name = name;
        this.spec = spec;
    }

    private Rollouts rollouts() {
        return new Rollouts(session.writeContext(), RolloutStore.of(session.fleet()));
    }

    private boolean exists() {
        return rollouts().list().stream().anyMatch(s -> s.name().equals(name));
    }

    public String getName() {
        return name;
    }

    /** Starts the rollout: checks, audits the targets, pushes to the first stage. Already started: says so. */
    public RolloutHandle start() {
        session.checkCancelled("start");
        if (exists()) {
            session.output().info("rollout " + name + " was started before: " + getStatus().state().label()
                    + "; continuing it");
            return this;
        }
        if (spec == null) {
            throw new UserError("rollout('" + name + "') has no definition: give it one, rollout('" + name + "') { targets ...;"
                    + " override file('...') ... }");
        }
        RolloutResult r;
        try (Progress p = session.output().progressOnStart("rollout start")) {
            r = rollouts().start(spec.definition(), session.writeGate(), p, session.cancellation());
        }
        dryRunOnly = r.status() == null;
        report(r);
        return this;
    }

    /** Waits out the soak, assesses the gate, applies the next stage; a failing gate stops the script. */
    public RolloutHandle advance() {
        return advance(Map.of());
    }

    /** {@code advance(force: true, reason: '...')}. */
    public RolloutHandle advance(Map<String, ?> options) {
        Map<String, ?> o = options == null ? Map.of() : options;
        NamedOptions.check("advance", o, List.of("force", "reason"));
        if (dryRunOnly) {
            session.output().info("rollout " + name + ": dry run, not started; nothing to advance");
            return this;
        }
        boolean force = Boolean.TRUE.equals(o.get("force"));
        Object reason = o.get("reason");
        RolloutStatus s = getStatus();
        Duration soak = s.soakRemaining(session.now());
        if (!soak.isZero() && !force) {
            session.output().info("rollout " + name + ": waiting " + Durations.humanize(soak) + " for the soak of "
                    + s.current().title(s.hasCanary()));
            session.sleep(soak.plusMillis(50));
        }
        RolloutResult r;
        try (Progress p = session.output().progressOnStart("rollout advance")) {
            r = rollouts().advance(name, force, reason == null ? null : reason.toString(), session.writeGate(), p,
                    session.cancellation());
        }
        report(r);
        if (!r.ok()) {
            throw new DslFailure(r.message());
        }
        return this;
    }

    public RolloutHandle pause(String reason) {
        rollouts().pause(name, reason);
        session.output().info("rollout " + name + " paused");
        return this;
    }

    public RolloutHandle resume() {
        rollouts().resume(name);
        session.output().info("rollout " + name + " resumed");
        return this;
    }

    /** Takes the override back: {@code rollback(runPuppet: true, reason: '...')}. */
    public RolloutHandle rollback(Map<String, ?> options) {
        Map<String, ?> o = options == null ? Map.of() : options;
        NamedOptions.check("rollback", o, List.of("runPuppet", "reason"));
        Object reason = o.get("reason");
        RolloutResult r;
        try (Progress p = session.output().progressOnStart("rollout rollback")) {
            r = rollouts().rollback(name, Boolean.TRUE.equals(o.get("runPuppet")), reason == null ? null : reason.toString(),
                    session.writeGate(), p, session.cancellation());
        }
        report(r);
        if (!r.ok()) {
            throw new DslFailure(r.message());
        }
        return this;
    }

    public RolloutHandle rollback() {
        return rollback(Map.of());
    }

    /** After the merge: removes the override from every target (irreversible). {@code finalizeRollout(reason: '...')}. */
    public RolloutHandle finalizeRollout(Map<String, ?> options) {
        Map<String, ?> o = options == null ? Map.of() : options;
        NamedOptions.check("finalizeRollout", o, List.of("reason"));
        Object reason = o.get("reason");
        RolloutResult r;
        try (Progress p = session.output().progressOnStart("rollout finalize")) {
            r = rollouts().finalizeRollout(name, reason == null ? null : reason.toString(), session.writeGate(), p,
                    session.cancellation());
        }
        report(r);
        if (!r.ok()) {
            throw new DslFailure(r.message());
        }
        return this;
    }

    public RolloutHandle finalizeRollout() {
        return finalizeRollout(Map.of());
    }

    /** The rollout as stored now. */
    public RolloutStatus getStatus() {
        return rollouts().status(name);
    }

    /** {@code active}, {@code paused}, {@code complete}, {@code rolled-back}, {@code finalized}. */
    public String getState() {
        return dryRunOnly ? "dry-run" : getStatus().state().label();
    }

    /** The current stage's index (0 = the canary when there is one). */
    public int getStage() {
        return getStatus().currentStage();
    }

    /** True when nothing more will happen without an operator (complete, rolled back, finalized), or after a dry run. */
    public boolean isDone() {
        return dryRunOnly || getStatus().done();
    }

    /** Prints the status. */
    public void show() {
        if (dryRunOnly) {
            session.output().out().println("rollout " + name + ": dry run, not started (add --confirm to start it)");
            return;
        }
        session.output().out().print(new RolloutFormatter(session.clock()).status(getStatus()));
    }

    private void report(RolloutResult r) {
        r.warnings().forEach(w -> session.output().info("rollout " + name + ": " + w));
        session.output().info(r.message());
    }

    @Override
    public String toString() {
        return "rollout " + name;
    }
}
