package dev.fleetroll.console.dsl;

import dev.fleetroll.UserError;
import dev.fleetroll.ops.write.WriteSource;
import dev.fleetroll.rollout.BatchSize;
import dev.fleetroll.rollout.Rollouts;
import groovy.lang.GString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The closure of {@code rollout('name') { ... }}: what to roll out, where, and how carefully.
 *
 * <pre>{@code
 * rollout('resolverd-1804') {
 *     targets hosts('linux/1804')
 *     override file('configs/overrides/resolverd.override')
 *     canary 't-linux64-ms-001'
 *     batches 10.percent, 25.percent, rest
 *     gate 'applied=y healthy=y'
 *     soak 30.minutes
 *     maxFailures 1
 * }
 * }</pre>
 */
public final class RolloutSpec {
    private final DslSession session;
    private final String name;
    private final List<String> targets = new ArrayList<>();
    private final List<String> canary = new ArrayList<>();
    private final Map<String, String> skip = new LinkedHashMap<>();
    private final List<BatchSize> batches = new ArrayList<>();
    private WriteSource override;
    private String gate;
    private Duration soak = Duration.ZERO;
    private int maxFailures;
    private boolean runPuppet = true;

    RolloutSpec(DslSession session, String name) {
        this.session = session;
        this.name = name;
    }

    /** The hosts to roll out to: {@code targets hosts('linux/1804')}, host-list names, node sets. */
    public void targets(Object... specs) {
        targets.addAll(hostsOf(specs));
    }

    /** The override file: {@code override file('x.override')}, or its text. */
    public void override(Object source) {
        if (source instanceof Path p) {
            override = WriteSource.file(p);
        } else if (source instanceof java.io.File f) {
            override = WriteSource.file(f.toPath());
        } else if (source instanceof CharSequence cs) {
            override = WriteSource.text(cs.toString());
        } else {
            throw new UserError("rollout " + name + ": override file('x.override') or the file's text, not " + source);
        }
    }

    /** The first stage's hosts: {@code canary 't-linux64-ms-001'}. */
    public void canary(Object... specs) {
        canary.addAll(hostsOf(specs));
    }

    /** Stage sizes after the canary: {@code batches 10.percent, 25.percent, rest}, or counts, or '10%'. */
    public void batches(Object... sizes) {
        for (Object s : sizes) {
            if (s instanceof BatchSize b) {
                batches.add(b);
            } else if (s instanceof Number n) {
                batches.add(BatchSize.count(n.intValue()));
            } else {
                batches.add(BatchSize.parse(String.valueOf(s)));
            }
        }
    }

    /** Every host not yet in a stage: {@code batches 10.percent, rest}. */
    public BatchSize getRest() {
        return BatchSize.REST;
    }

    /** The gate: a monitor query every host of a stage must meet, {@code gate 'applied=y healthy=y'}. */
    public void gate(String query) {
        Rollouts.gateQuery(query);
        this.gate = query;
    }

    /**
     * A closure gate cannot be stored for other consoles and later advances: it is refused with the query to write
     * instead ({@code fleetroll check} says the same before the script runs).
     */
    public void gate(@groovy.lang.DelegatesTo(value = dev.fleetroll.state.HostState.class,
            strategy = groovy.lang.Closure.DELEGATE_FIRST) groovy.lang.Closure<?> closure) {
        throw new UserError("rollout " + name + ": write the gate as a monitor query, e.g. gate 'applied=y healthy=y':"
                + " a closure cannot be stored for other consoles and later advances");
    }

    /** How long a stage runs before its gate is assessed: {@code soak 30.minutes}. */
    public void soak(Duration d) {
        this.soak = d;
    }

    /** How many hosts of a stage may fail the gate (default 0). */
    public void maxFailures(int n) {
        this.maxFailures = n;
    }

    /** Whether Puppet runs right after each push (default true). */
    public void runPuppet(boolean run) {
        this.runPuppet = run;
    }

    /** Targets to leave out (a host that has another override must be): {@code skip 'ms-016'}. */
    public void skip(Object... specs) {
        hostsOf(specs).forEach(h -> skip.put(h, "skipped in the script"));
    }

    Rollouts.Definition definition() {
        return new Rollouts.Definition(name, targets, skip, override, canary, List.copyOf(batches), gate, soak, maxFailures,
                runPuppet);
    }

    private List<String> hostsOf(Object[] specs) {
        List<String> names = new ArrayList<>();
        List<String> strings = new ArrayList<>();
        for (Object o : specs) {
            collect(o, names, strings);
        }
        if (!strings.isEmpty()) {
            names.addAll(session.inventory().resolve(strings));
        }
        return names;
    }

    private static void collect(Object o, List<String> names, List<String> strings) {
        if (o instanceof HostSet h) {
            names.addAll(h.names());
        } else if (o instanceof CharSequence || o instanceof GString) {
            strings.add(o.toString());
        } else if (o instanceof Collection<?> c) {
            c.forEach(x -> collect(x, names, strings));
        } else if (o instanceof Object[] a) {
            for (Object x : a) {
                collect(x, names, strings);
            }
        } else {
            throw new UserError("expected hosts (a HostSet, host-list name or node set), not " + o);
        }
    }
}
