package dev.fleetroll.console.dsl;

import dev.fleetroll.UserError;
import dev.fleetroll.inventory.HostListFile;
import dev.fleetroll.util.NaturalOrder;
import dev.fleetroll.state.Columns;
import dev.fleetroll.state.HostState;
import dev.fleetroll.state.Query;
import groovy.lang.GString;
import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import groovy.lang.Script;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The base class of every fleetroll script and REPL line: the top-level verbs ({@code hosts}, {@code inventory},
 * {@code file}, {@code args}, {@code dryRun}, {@code log}, {@code sleep}, {@code fail}, {@code exit}) and output
 * routed to the session's streams.
 */
public abstract class FleetScript extends Script {
    private DslSession session;

    /** Connects this script to its session; the runner calls it before {@code run()}. */
    public final void attach(DslSession s) {
        this.session = s;
    }

    /** The session (for fleetroll's own code; scripts use the verbs). */
    public final DslSession fleetrollSession() {
        if (session == null) {
            throw new IllegalStateException("script not attached to a fleetroll session");
        }
        return session;
    }

    /**
     * Selects hosts: host-list names ({@code 'linux/1804'}), node sets ({@code 't-linux64-ms-[001-010]'}), host
     * names (short names expand), list files ({@code file('x.list')}), other sets; several arguments are a union.
     */
    public HostSet hosts(Object... specs) {
        if (specs == null || specs.length == 0) {
            throw new UserError("hosts(): name a host list, a node set or a host, e.g. hosts('linux/1804')");
        }
        List<String> names = new ArrayList<>();
        List<String> strings = new ArrayList<>();
        for (Object spec : specs) {
            collect(spec, names, strings);
        }
        if (!strings.isEmpty()) {
            names.addAll(fleetrollSession().inventory().resolve(strings));
        }
        List<String> sorted = new ArrayList<>(new java.util.LinkedHashSet<>(names));
        sorted.sort(NaturalOrder.INSTANCE);
        return HostSet.of(fleetrollSession(), sorted);
    }

    private void collect(Object spec, List<String> names, List<String> strings) {
        if (spec instanceof HostSet h) {
            names.addAll(h.names());
        } else if (spec instanceof HostState s) {
            names.add(s.name());
        } else if (spec instanceof Path p) {
            if (!Files.isRegularFile(p)) {
                throw new UserError("host list file " + p + " does not exist");
            }
            names.addAll(HostListFile.read(p));
        } else if (spec instanceof java.io.File f) {
            collect(f.toPath(), names, strings);
        } else if (spec instanceof CharSequence || spec instanceof GString) {
            strings.add(spec.toString());
        } else if (spec instanceof Collection<?> c) {
            for (Object o : c) {
                collect(o, names, strings);
            }
        } else if (spec instanceof Object[] a) {
            for (Object o : a) {
                collect(o, names, strings);
            }
        } else {
            throw new UserError("hosts(" + spec + "): expected a host list name, node set, host, file(...) or HostSet");
        }
    }

    /** Every host the store has ever observed. */
    public HostSet inventory() {
        return HostSet.of(fleetrollSession(), fleetrollSession().fleet().knownHosts());
    }

    /** A local file: absolute, relative to the working directory, else to the project checkout. */
    public Path file(String path) {
        return fleetrollSession().resolvePath(path);
    }

    /** The script's arguments ({@code fleetroll run FILE -- ARGS}). */
    public List<String> getArgs() {
        return fleetrollSession().args();
    }

    /** True when writes only say what they would do ({@code fleetroll run} without {@code --confirm}). */
    public boolean isDryRun() {
        return fleetrollSession().dryRun();
    }

    /** Waits; Ctrl-C or a timeout interrupts. */
    public void sleep(Duration d) {
        fleetrollSession().sleep(d);
    }

    /** Prints {@code message} on the log stream (stderr for scripts). */
    public void log(Object message) {
        fleetrollSession().output().info(String.valueOf(message));
    }

    /** Stops the script with exit status 1 and this message. */
    public void fail(Object message) {
        throw new DslFailure(String.valueOf(message));
    }

    /** Stops the script with this exit status. */
    public void exit(int status) {
        throw new DslExit(status);
    }

    /** Checks a monitor query and returns it: errors name the bad column and the valid ones. */
    public Query query(String text) {
        return Query.parse(text, Columns.standard());
    }

    /**
     * Defines a staged rollout, or continues the stored one of that name: {@code rollout('resolverd-1804') { targets
     * hosts('linux/1804'); override file('x.override'); canary 'ms-001'; batches 10.percent, rest; gate 'applied=y';
     * soak 30.minutes; maxFailures 1 }.start()}. The definition is checked (gate columns, override) before any host
     * is touched.
     */
    public RolloutHandle rollout(String name,
                                 @DelegatesTo(value = RolloutSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> spec) {
        dev.fleetroll.rollout.RolloutPlan.checkName(name);
        RolloutSpec s = new RolloutSpec(fleetrollSession(), name);
        Closure<?> c = (Closure<?>) spec.clone();
        c.setResolveStrategy(Closure.DELEGATE_FIRST);
        c.setDelegate(s);
        c.call();
        return new RolloutHandle(fleetrollSession(), name, s);
    }

    /** A stored rollout: {@code rollout('resolverd-1804').advance()}. */
    public RolloutHandle rollout(String name) {
        dev.fleetroll.rollout.RolloutPlan.checkName(name);
        return new RolloutHandle(fleetrollSession(), name, null);
    }

    /** Makes {@code pick(n)} repeatable. */
    public void seed(long seed) {
        fleetrollSession().seed(seed);
    }

    /** A Duration in the query syntax: {@code duration('1h30m')}. */
    public Duration duration(String text) {
        return HostSet.toDuration(text, "duration");
    }

    // ---- output goes to the session's stream, not System.out ----

    @Override
    public void println() {
        fleetrollSession().output().out().println();
    }

    @Override
    public void println(Object value) {
        fleetrollSession().output().out().println(org.codehaus.groovy.runtime.InvokerHelper.toString(value));
    }

    @Override
    public void print(Object value) {
        fleetrollSession().output().out().print(org.codehaus.groovy.runtime.InvokerHelper.toString(value));
        fleetrollSession().output().out().flush();
    }

    @Override
    public void printf(String format, Object value) {
        print(org.codehaus.groovy.runtime.DefaultGroovyMethods.sprintf(this, format, value));
    }

    @Override
    public void printf(String format, Object[] values) {
        print(org.codehaus.groovy.runtime.DefaultGroovyMethods.sprintf(this, format, values));
    }
}
