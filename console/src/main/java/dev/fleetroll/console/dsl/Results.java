package dev.fleetroll.console.dsl;

import dev.fleetroll.inventory.NodeSet;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a multi-host verb did to each host, split into {@link HostSet}s: {@code ok}, {@code failed} (the command
 * ran and failed, or timed out), {@code unreachable} (no working session: unreachable, auth failed, host key
 * mismatch), {@code cancelled}, and {@code problems} (all but ok).
 *
 * <p>A script that never looks at a {@code Results} with problem hosts exits with status 1: reading any of
 * {@code failed}, {@code unreachable}, {@code cancelled}, {@code problems}, {@code outcome(host)},
 * {@code error(host)}, using the object as a boolean ({@code if (results) ...}) or calling {@code orFail()} counts
 * as looking.
 */
public class Results {
    protected final DslSession session;
    private final String verb;
    private final List<String> hosts;
    private final Map<String, Outcome> outcomes;
    private final Map<String, String> errors;
    private final Duration elapsed;
    private volatile boolean handled;

    public Results(DslSession session, String verb, List<String> hosts, Map<String, Outcome> outcomes,
                   Map<String, String> errors, Duration elapsed) {
        this.session = session;
        this.verb = verb;
        this.hosts = List.copyOf(hosts);
        this.outcomes = Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
        this.errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
        this.elapsed = elapsed;
    }

    public String getVerb() {
        return verb;
    }

    public Duration getElapsed() {
        return elapsed;
    }

    /** Every host the verb covered. */
    public HostSet getAll() {
        return HostSet.of(session, hosts);
    }

    public HostSet getOk() {
        return select(o -> o == Outcome.OK);
    }

    public HostSet getFailed() {
        handled = true;
        return select(o -> o == Outcome.FAILED || o == Outcome.TIMED_OUT);
    }

    public HostSet getUnreachable() {
        handled = true;
        return select(o -> o != null && o.isConnectionProblem());
    }

    public HostSet getCancelled() {
        handled = true;
        return select(o -> o == Outcome.CANCELLED);
    }

    /** Every host that did not end ok. */
    public HostSet getProblems() {
        handled = true;
        return select(o -> o != Outcome.OK);
    }

    public Outcome outcome(String host) {
        handled = true;
        return outcomes.get(host);
    }

    /** Why {@code host} did not end ok (null when it did). */
    public String error(String host) {
        handled = true;
        return errors.get(host);
    }

    public int size() {
        return hosts.size();
    }

    /** True when every host ended ok. */
    public boolean isAllOk() {
        handled = true;
        return !hasProblems();
    }

    /** Groovy truth: {@code if (results)} is true when every host ended ok. */
    public boolean asBoolean() {
        return isAllOk();
    }

    /** Throws (failing the script with status 1) unless every host ended ok; returns this otherwise. */
    public Results orFail() {
        handled = true;
        if (hasProblems()) {
            throw new DslFailure(summary());
        }
        return this;
    }

    /** Marks the problems as seen so they do not fail the run. */
    public Results ignoreFailures() {
        handled = true;
        return this;
    }

    boolean handled() {
        return handled;
    }

    boolean hasProblems() {
        return outcomes.values().stream().anyMatch(o -> o != Outcome.OK);
    }

    Map<String, Outcome> outcomes() {
        return outcomes;
    }

    private HostSet select(java.util.function.Predicate<Outcome> p) {
        List<String> out = new ArrayList<>();
        for (String h : hosts) {
            if (p.test(outcomes.get(h))) {
                out.add(h);
            }
        }
        return HostSet.of(session, out);
    }

    /** {@code exec: 40 hosts in 3.2s: 36 ok, 2 failed (ms-[3,7]), 2 unreachable (ms-[11-12])}. */
    public String summary() {
        Map<Outcome, List<String>> by = new EnumMap<>(Outcome.class);
        for (String h : hosts) {
            by.computeIfAbsent(outcomes.getOrDefault(h, Outcome.CANCELLED), k -> new ArrayList<>()).add(h);
        }
        StringBuilder b = new StringBuilder();
        b.append(verb).append(": ").append(hosts.size()).append(hosts.size() == 1 ? " host" : " hosts");
        if (elapsed != null) {
            b.append(" in ").append(seconds(elapsed));
        }
        b.append(": ");
        List<String> parts = new ArrayList<>();
        for (Map.Entry<Outcome, List<String>> e : by.entrySet()) {
            String part = e.getValue().size() + " " + e.getKey().label();
            if (e.getKey() != Outcome.OK) {
                part += " (" + abbreviate(NodeSet.fold(e.getValue())) + ")";
            }
            parts.add(part);
        }
        b.append(parts.isEmpty() ? "nothing to do" : String.join(", ", parts));
        return b.toString();
    }

    static String seconds(Duration d) {
        return d.toMillis() < 60_000 ? String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0) : Durations.format(
                Duration.ofSeconds(d.getSeconds()));
    }

    static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    /** The summary; the REPL prints this for a {@code Results} value. */
    @Override
    public String toString() {
        return summary();
    }
}
