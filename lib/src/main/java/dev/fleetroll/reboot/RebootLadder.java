package dev.fleetroll.reboot;

import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.auditlog.AuditRecord;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.state.Observation;
import dev.fleetroll.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Climbs the reboot ladder for one host: tries each rung that {@linkplain RebootStep#appliesTo applies} in order, and
 * after each non-terminal rung audits the host until it is seen back with a restarted uptime (it booted after the rung
 * started: the audit's {@code uptime} is shorter than the time since) or the rung's deadline passes; then the next
 * rung. A rung that cannot even be tried ({@link RebootStepFailed}) passes to the next at once; a terminal rung (filing
 * a bug) ends the climb. Every rung tried is one {@code host.reboot} line in the audit log (rung, outcome, what it did,
 * the boot time seen; never a secret).
 *
 * <p>The ladder does not take or give back the host's reboot slot: {@link Reboots} holds it around the climb.
 */
public final class RebootLadder {
    private static final Logger LOG = LoggerFactory.getLogger(RebootLadder.class);
    /** The audit log's action for one rung tried on one host. */
    public static final String AUDIT_ACTION = "host.reboot";

    private final Fleet fleet;
    private final List<RebootStep> rungs;
    private final AuditLog auditLog;
    private final Clock clock;
    private final Duration deadline;
    private final Duration pollEvery;
    private final Map<String, Duration> rungDeadlines = new HashMap<>();
    private final ClimbHistory history;

    /**
     * @param deadline how long a host has to go down and come back after a rung ({@code reboot.deadline})
     * @param pollEvery how often it is audited meanwhile ({@code reboot.poll_every})
     */
    public RebootLadder(Fleet fleet, List<RebootStep> rungs, AuditLog auditLog, Clock clock, Duration deadline,
                        Duration pollEvery) {
        this(fleet, rungs, auditLog, clock, deadline, pollEvery, new ClimbHistory());
    }

    /** @param history where each climb's rungs are recorded as they end (read by the bug rung) */
    public RebootLadder(Fleet fleet, List<RebootStep> rungs, AuditLog auditLog, Clock clock, Duration deadline,
                        Duration pollEvery, ClimbHistory history) {
        this.history = Objects.requireNonNull(history, "history");
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.rungs = List.copyOf(rungs);
        this.auditLog = Objects.requireNonNull(auditLog, "auditLog");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.deadline = deadline;
        this.pollEvery = pollEvery;
    }

    /** Gives rung {@code name} its own deadline (a BMC power reset may bring a host back faster than it takes to shut down). */
    public RebootLadder withDeadline(String name, Duration d) {
        rungDeadlines.put(name, d);
        return this;
    }

    public List<RebootStep> rungs() {
        return rungs;
    }

    /** The names of the rungs that apply to {@code host}, in climbing order. */
    public List<String> rungsFor(String host) {
        return rungs.stream().filter(r -> r.appliesTo(host)).map(RebootStep::name).toList();
    }

    public Duration deadlineOf(String rung) {
        return rungDeadlines.getOrDefault(rung, deadline);
    }

    /**
     * Climbs for {@code host} until a rung brings it back, a terminal rung hands it over, or no rung is left.
     *
     * @param slot the slot the host holds, named in the audit records
     */
    public ClimbResult climb(String host, String reason, SlotHolder slot) {
        List<RungAttempt> attempts = new ArrayList<>();
        history.start(host);
        for (RebootStep rung : rungs) {
            if (!rung.appliesTo(host)) {
                continue;
            }
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            RungAttempt a = attempt(host, reason, rung);
            attempts.add(a);
            history.add(host, a);
            audit(host, reason, slot, a);
            if (a.outcome().equals(RungAttempt.CAME_BACK)) {
                return new ClimbResult(host, true, attempts, "back after " + rung.name() + " (booted "
                        + a.bootedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")");
            }
            if (a.outcome().equals(RungAttempt.HANDED_OVER)) {
                return new ClimbResult(host, false, attempts, "not back; handed over by " + rung.name() + ": " + a.detail());
            }
        }
        if (attempts.isEmpty()) {
            return new ClimbResult(host, false, attempts, "no reboot rung applies to it (nothing tried)");
        }
        RungAttempt last = attempts.get(attempts.size() - 1);
        return new ClimbResult(host, false, attempts, "not back after " + attempts.size() + " rung"
                + (attempts.size() == 1 ? "" : "s") + "; last " + last.rung() + ": " + last.detail());
    }

    private RungAttempt attempt(String host, String reason, RebootStep rung) {
        Instant started = clock.instant();
        String did;
        try {
            did = rung.attempt(host, reason);
        } catch (RebootStepFailed e) {
            return new RungAttempt(rung.name(), RungAttempt.FAILED, e.getMessage(), started, clock.instant(), null, false);
        } catch (RuntimeException e) {
            LOG.warn("{}: rung {} failed", host, rung.name(), e);
            return new RungAttempt(rung.name(), RungAttempt.FAILED, rung.name() + " failed: " + e.getMessage(), started,
                    clock.instant(), null, false);
        }
        if (rung.terminal()) {
            return new RungAttempt(rung.name(), RungAttempt.HANDED_OVER, did, started, clock.instant(), null, false);
        }
        Duration limit = deadlineOf(rung.name());
        Instant until = started.plus(limit);
        boolean seenDown = false;
        while (true) {
            Observation o = fleet.audit(List.of(host), BatchListener.NONE, null).observations().get(0);
            Instant after = clock.instant();
            if (o.ok() && o.uptimeSeconds() != null) {
                // the audit returned at 'after', so the host booted at or after 'after - uptime'
                Instant booted = after.minusSeconds(o.uptimeSeconds());
                if (!booted.isBefore(started)) {
                    return new RungAttempt(rung.name(), RungAttempt.CAME_BACK, did + "; back, uptime "
                            + Durations.humanize(Duration.ofSeconds(o.uptimeSeconds())), started, after, booted, seenDown);
                }
            } else {
                seenDown = true;
            }
            if (!after.isBefore(until)) {
                return new RungAttempt(rung.name(), RungAttempt.NOT_BACK, did + "; not back within "
                        + Durations.format(limit) + (seenDown ? " (seen down)" : " (never seen down: uptime kept counting)"),
                        started, after, null, seenDown);
            }
            try {
                Thread.sleep(Math.min(pollEvery.toMillis(), Math.max(1, Duration.between(after, until).toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new RungAttempt(rung.name(), RungAttempt.NOT_BACK, did + "; interrupted while waiting for it",
                        started, clock.instant(), null, seenDown);
            }
        }
    }

    private void audit(String host, String reason, SlotHolder slot, RungAttempt a) {
        Map<String, Object> observed = new LinkedHashMap<>();
        observed.put("detail", a.detail());
        observed.put("started", a.started().toString());
        if (a.bootedAt() != null) {
            observed.put("booted", a.bootedAt().toString());
        }
        observed.put("seen_down", a.seenDown());
        try {
            auditLog.append(AuditRecord.builder(AUDIT_ACTION).host(host).ok(a.outcome().equals(RungAttempt.CAME_BACK))
                    .outcome(a.outcome()).reason(reason).parameter("rung", a.rung())
                    .parameter("deadline_s", deadlineOf(a.rung()).toSeconds())
                    .parameter("group", slot == null ? null : slot.group()).parameter("slot", slot == null ? null : slot.slot())
                    .observed(observed).ts(a.ended()).build());
        } catch (RuntimeException e) {
            LOG.error("{}: rung {} ({}) was not recorded in the audit log: {}", host, a.rung(), a.outcome(), e.getMessage());
        }
    }
}
