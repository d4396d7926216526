package dev.fleetroll.console.dsl;

import dev.fleetroll.console.render.HostJson;
import dev.fleetroll.console.render.HostTable;
import dev.fleetroll.UserError;
import dev.fleetroll.util.EditDistance;
import dev.fleetroll.util.NaturalOrder;
import dev.fleetroll.inventory.NodeSet;
import dev.fleetroll.inventory.Selection;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.state.Columns;
import dev.fleetroll.state.HostState;
import dev.fleetroll.state.NamedFilters;
import dev.fleetroll.state.Query;
import dev.fleetroll.util.Durations;
import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import groovy.lang.MissingPropertyException;
import groovy.transform.stc.ClosureParams;
import groovy.transform.stc.SimpleType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.codehaus.groovy.runtime.typehandling.DefaultTypeTransformation;

/**
 * An immutable, ordered, de-duplicated set of hosts with what the store knows about each ({@link HostState}),
 * and the verbs that act on them. Shaping verbs ({@code where}, {@code sort}, {@code take}, {@code +} ...) return
 * new sets and never touch the network; {@code audit}, {@code exec} and {@code waitFor} do.
 *
 * <p>States are read from the store the first time something needs them (so {@code hosts('x')} alone reads
 * nothing), and replaced by fresh ones after {@code audit()}.
 */
public final class HostSet implements Iterable<HostState> {
    private final DslSession session;
    private final List<String> names;
    private volatile Map<String, HostState> states;
    private final Results origin;

    HostSet(DslSession session, List<String> names, Map<String, HostState> states, Results origin) {
        this.session = session;
        this.names = List.copyOf(new LinkedHashSet<>(names));
        this.states = states;
        this.origin = origin;
    }

    static HostSet of(DslSession session, List<String> names) {
        return new HostSet(session, names, null, null);
    }

    HostSet derive(List<String> subset) {
        Map<String, HostState> s = states;
        Map<String, HostState> sub = null;
        if (s != null) {
            sub = new LinkedHashMap<>();
            for (String n : subset) {
                HostState st = s.get(n);
                if (st != null) {
                    sub.put(n, st);
                }
            }
            if (sub.size() != new LinkedHashSet<>(subset).size()) {
                sub = null;
            }
        }
        return new HostSet(session, subset, sub, null);
    }

    // ---- contents ----------------------------------------------------------------------------------------

    /** Number of hosts. */
    public int size() {
        return names.size();
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    /** Groovy truth: an empty set is false. */
    public boolean asBoolean() {
        return !names.isEmpty();
    }

    /** The host names, in order. */
    public List<String> names() {
        return names;
    }

    public boolean contains(String host) {
        return names.contains(host);
    }

    /** The hosts as one folded node set: {@code ms-[001-004,009]}. */
    public String fold() {
        return names.isEmpty() ? "" : NodeSet.fold(names);
    }

    /** Each host's state, in order (read from the store on first use). */
    public List<HostState> states() {
        Map<String, HostState> s = loadStates();
        return names.stream().map(s::get).toList();
    }

    /** The state of host number {@code i} ({@code set[0]}; negative counts from the end). */
    public HostState getAt(int i) {
        int idx = i < 0 ? names.size() + i : i;
        if (idx < 0 || idx >= names.size()) {
            throw new UserError("index " + i + " is outside this set of " + names.size() + " hosts");
        }
        return loadStates().get(names.get(idx));
    }

    /** The state of host {@code name} ({@code set['ms-1.example']}), null when it is not in the set. */
    public HostState getAt(String name) {
        return names.contains(name) ? loadStates().get(name) : null;
    }

    @Override
    public Iterator<HostState> iterator() {
        return states().iterator();
    }

    private Map<String, HostState> loadStates() {
        Map<String, HostState> s = states;
        if (s == null) {
            synchronized (this) {
                if (states == null) {
                    states = session.states(names);
                }
                s = states;
            }
        }
        return s;
    }

    // ---- the verb that produced this set -----------------------------------------------------------------

    /** What the verb that produced this set (e.g. {@code audit()}) did per host; null for other sets. */
    public Results getResults() {
        return origin;
    }

    /** Hosts whose latest audit did not work (after {@code audit()}: whose audit just failed). */
    public HostSet getUnreachable() {
        if (origin != null) {
            origin.getUnreachable();
        }
        return where(s -> !s.reachable());
    }

    /** After {@code audit()}: hosts whose audit ran and failed; otherwise hosts whose latest audit was not ok. */
    public HostSet getFailed() {
        if (origin != null) {
            return origin.getProblems();
        }
        return where(s -> s.outcome() != null && s.outcome() != Outcome.OK);
    }

    /** Hosts whose latest audit worked. */
    public HostSet getOk() {
        return where(HostState::reachable);
    }

    // ---- selection and shaping ---------------------------------------------------------------------------

    /**
     * The hosts for which {@code condition} is true. The closure runs once per host on its own copy whose
     * delegate is the host's {@link HostState} (DELEGATE_FIRST), so {@code where { !applied && role =~ /talos/ }}
     * reads the host's properties; the state is also the closure's parameter ({@code where { h -> h.applied }}).
     */
    public HostSet where(@DelegatesTo(value = HostState.class, strategy = Closure.DELEGATE_FIRST)
                         @ClosureParams(value = SimpleType.class, options = "dev.fleetroll.state.HostState")
                         Closure<?> condition) {
        return where(s -> test(condition, s, "where"));
    }

    /** The hosts matching a monitor query, e.g. {@code where('role~talos pp_last>20h sort:pp_last:desc')}. */
    public HostSet where(String query) {
        Query q = Query.parse(query, Columns.standard());
        List<HostState> matched = q.apply(states());
        return derive(matched.stream().map(HostState::name).toList());
    }

    /**
     * The hosts matching a named filter ({@code configs/filters/NAME.yaml} of the project, or the operator's
     * {@code $FLEETROLL_HOME/filters/NAME.yaml}), sorted when its query sorts: {@code filter('unhealthy-stale')}.
     * The files are read on each call, so an edited filter applies at once.
     */
    public HostSet filter(String name) {
        return where(NamedFilters.load(session.workspace()).require(name).query());
    }

    private HostSet where(java.util.function.Predicate<HostState> p) {
        List<String> out = new ArrayList<>();
        for (HostState s : states()) {
            if (p.test(s)) {
                out.add(s.name());
            }
        }
        return derive(out);
    }

    /** Runs {@code c} for {@code state} on a rehydrated copy (never mutating the caller's closure). */
    static Object call(Closure<?> c, HostState state, String verb) {
        Closure<?> copy = c.rehydrate(state, c.getOwner(), c.getThisObject());
        copy.setResolveStrategy(Closure.DELEGATE_FIRST);
        try {
            return copy.getMaximumNumberOfParameters() == 0 ? copy.call() : copy.call(state);
        } catch (MissingPropertyException e) {
            if (e.getProperty() != null && e.getType() != null
                    && (e.getType().equals(HostState.class) || groovy.lang.Script.class.isAssignableFrom(e.getType()))) {
                String near = EditDistance.closest(e.getProperty(), DslHelp.hostStateProperties());
                throw new UserError(verb + " { ... } on " + state.name() + ": no HostState property or variable '"
                        + e.getProperty() + "'" + (near == null ? "" : " (did you mean '" + near + "'?)"));
            }
            throw e;
        }
    }

    static boolean test(Closure<?> c, HostState state, String verb) {
        return DefaultTypeTransformation.castToBoolean(call(c, state, verb));
    }

    /** Sorted by monitor columns: {@code sort('pp_last:desc,host')}; empty values last. */
    public HostSet sort(String spec) {
        List<HostState> s = new ArrayList<>(states());
        s.sort(Query.comparator(Query.parseSort(spec, Columns.standard())));
        return derive(s.stream().map(HostState::name).toList());
    }

    /** Sorted by a key computed per host: {@code sort { uptime }}. Nulls last. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public HostSet sort(@DelegatesTo(value = HostState.class, strategy = Closure.DELEGATE_FIRST)
                        @ClosureParams(value = SimpleType.class, options = "dev.fleetroll.state.HostState")
                        Closure<?> key) {
        List<HostState> s = states();
        Map<String, Object> keys = new LinkedHashMap<>();
        for (HostState st : s) {
            keys.put(st.name(), call(key, st, "sort"));
        }
        List<String> order = new ArrayList<>(names);
        order.sort((a, b) -> {
            Object ka = keys.get(a);
            Object kb = keys.get(b);
            if (ka == null || kb == null) {
                return ka == null ? (kb == null ? 0 : 1) : -1;
            }
            if (ka instanceof String sa && kb instanceof String sb) {
                return NaturalOrder.INSTANCE.compare(sa, sb);
            }
            return ((Comparable) ka).compareTo(kb);
        });
        return derive(order);
    }

    /** Sorted by host name in natural order. */
    public HostSet sort() {
        List<String> order = new ArrayList<>(names);
        order.sort(NaturalOrder.INSTANCE);
        return derive(order);
    }

    /** The first {@code n} hosts. */
    public HostSet take(int n) {
        return derive(names.subList(0, Math.max(0, Math.min(n, names.size()))));
    }

    /** All but the first {@code n} hosts. */
    public HostSet drop(int n) {
        return derive(names.subList(Math.max(0, Math.min(n, names.size())), names.size()));
    }

    /** {@code n} hosts chosen at random (in their order here); {@code pick(3, 42)} is repeatable. */
    public HostSet pick(int n) {
        return derive(Selection.pick(names, n, session.random()));
    }

    /** {@code n} hosts chosen at random with a fixed seed: the same seed picks the same hosts. */
    public HostSet pick(int n, long seed) {
        return derive(Selection.pick(names, n, new Random(seed)));
    }

    /** Consecutive batches of {@code size} hosts, or of a share: {@code batches(5)}, {@code batches('20%')}. */
    public List<HostSet> batches(Object size) {
        return Selection.batches(names, size).stream().map(this::derive).toList();
    }

    // Overloads per argument type: Groovy would otherwise pick DefaultGroovyMethods' plus/minus/and(Iterable,
    // Iterable) for a HostSet argument, which compare HostStates and return a List.

    /** Union: this set, then the other hosts in their order. */
    public HostSet plus(HostSet other) {
        return union(other);
    }

    /** Union with a host spec: {@code set + 'ms-[1-3]'}. */
    public HostSet plus(CharSequence spec) {
        return union(spec);
    }

    /** Union with a list of names or sets. */
    public HostSet plus(Collection<?> other) {
        return union(other);
    }

    /** Difference: these hosts without the other's. */
    public HostSet minus(HostSet other) {
        return difference(other);
    }

    public HostSet minus(CharSequence spec) {
        return difference(spec);
    }

    public HostSet minus(Collection<?> other) {
        return difference(other);
    }

    /** Intersection, in this set's order. */
    public HostSet and(HostSet other) {
        return intersection(other);
    }

    public HostSet and(CharSequence spec) {
        return intersection(spec);
    }

    public HostSet and(Collection<?> other) {
        return intersection(other);
    }

    private HostSet union(Object other) {
        List<String> out = new ArrayList<>(names);
        out.addAll(namesOf(other));
        return merge(out, other);
    }

    private HostSet difference(Object other) {
        Set<String> drop = new LinkedHashSet<>(namesOf(other));
        return derive(names.stream().filter(n -> !drop.contains(n)).toList());
    }

    private HostSet intersection(Object other) {
        Set<String> keep = new LinkedHashSet<>(namesOf(other));
        return derive(names.stream().filter(keep::contains).toList());
    }

    private HostSet merge(List<String> all, Object other) {
        Map<String, HostState> mine = states;
        Map<String, HostState> theirs = other instanceof HostSet h ? h.states : null;
        if (mine != null && theirs != null) {
            Map<String, HostState> m = new LinkedHashMap<>(theirs);
            m.putAll(mine);
            return new HostSet(session, all, m, null);
        }
        return new HostSet(session, all, null, null);
    }

    private List<String> namesOf(Object other) {
        if (other instanceof HostSet h) {
            return h.names;
        }
        if (other instanceof HostState s) {
            return List.of(s.name());
        }
        if (other instanceof Collection<?> c) {
            List<String> out = new ArrayList<>();
            for (Object o : c) {
                out.addAll(namesOf(o));
            }
            return out;
        }
        if (other instanceof CharSequence cs) {
            return session.inventory().resolve(cs.toString());
        }
        throw new UserError("cannot combine a HostSet with " + (other == null ? "null" : other.getClass().getSimpleName())
                + " (use a HostSet, a host spec string or a list of names)");
    }

    // ---- iteration ---------------------------------------------------------------------------------------

    /**
     * Runs {@code action} per host (delegate and parameter: its {@link HostState}). Returns nothing, unlike
     * Groovy's {@code each}, so the console does not print the whole table after a loop that printed lines.
     */
    public void each(@DelegatesTo(value = HostState.class, strategy = Closure.DELEGATE_FIRST)
                     @ClosureParams(value = SimpleType.class, options = "dev.fleetroll.state.HostState")
                     Closure<?> action) {
        for (HostState s : states()) {
            session.checkCancelled("each");
            call(action, s, "each");
        }
    }

    /** The closure's value per host, in order: {@code collect { "$name $role" }}. */
    public List<Object> collect(@DelegatesTo(value = HostState.class, strategy = Closure.DELEGATE_FIRST)
                                @ClosureParams(value = SimpleType.class, options = "dev.fleetroll.state.HostState")
                                Closure<?> transform) {
        List<Object> out = new ArrayList<>();
        for (HostState s : states()) {
            out.add(call(transform, s, "collect"));
        }
        return out;
    }

    /** Hosts grouped by a key: {@code groupBy { role }} gives role -> HostSet. */
    public Map<Object, HostSet> groupBy(@DelegatesTo(value = HostState.class, strategy = Closure.DELEGATE_FIRST)
                                        @ClosureParams(value = SimpleType.class, options = "dev.fleetroll.state.HostState")
                                        Closure<?> key) {
        Map<Object, List<String>> by = new LinkedHashMap<>();
        for (HostState s : states()) {
            by.computeIfAbsent(call(key, s, "groupBy"), k -> new ArrayList<>()).add(s.name());
        }
        Map<Object, HostSet> out = new LinkedHashMap<>();
        by.forEach((k, v) -> out.put(k, derive(v)));
        return out;
    }

    // ---- output ------------------------------------------------------------------------------------------

    /** Prints the monitor table of these hosts. */
    public void show() {
        session.output().out().print(HostTable.render(states(), Columns.standard().displayedFor(states()), session.output()));
    }

    /** Prints a table of the named columns only: {@code show('host role pp_last')}. */
    public void show(String columns) {
        session.output().out().print(HostTable.render(states(), HostTable.columns(columns), session.output()));
    }

    /** Prints these hosts' states as a JSON array. */
    public void json() {
        session.output().out().println(toJson());
    }

    /** These hosts' states as a JSON array (durations in seconds, times in ISO-8601 UTC). */
    public String toJson() {
        return HostJson.toJson(states());
    }

    // ---- network verbs (implemented in FleetVerbs) ---------------------------------------------------------

    /** Audits every host over SSH in parallel, stores what it finds and returns this set with the fresh state. */
    public HostSet audit() {
        return verbs().audit();
    }

    /**
     * Reads what Taskcluster says about every host's worker ({@code gather-tc}: activity, latest task, quarantine),
     * stores it and returns this set with the fresh state. A pool that cannot be listed is reported; its hosts keep
     * their previous record.
     */
    public HostSet tc() {
        return verbs().tc();
    }

    /**
     * Everything fresh: audits the hosts over SSH, fetches the expected Puppet shas from GitHub (skipped when
     * fetched within {@code github.refresh_every}) and reads their Taskcluster workers; returns this set with the
     * fresh state ({@code hosts('linux/1804').refresh().where { !healthy }}).
     */
    public HostSet refresh() {
        return verbs().refresh();
    }

    /**
     * Runs a shell command on every host: {@code exec('uptime')}, {@code exec('systemctl restart x', sudo: true,
     * timeout: 30.seconds)}. Output is gathered by identical result with folded host ranges.
     * Options: {@code sudo} (run as root via sudo -n), {@code timeout} (Duration, seconds or '30s'),
     * {@code quiet} (do not print the gathered output in scripts).
     */
    public ExecResults exec(Map<String, ?> options, String command) {
        return verbs().exec(options, command);
    }

    /** Runs a shell command on every host with default options. */
    public ExecResults exec(String command) {
        return verbs().exec(command);
    }

    /**
     * Writes an override file to every host: validated first (one message naming the line and rule, nothing written
     * anywhere when it fails), then atomic on each host; a host with a different override is blocked unless
     * {@code force: true}. {@code source} is {@code file('configs/overrides/x.override')} or the override text.
     * Options: {@code reason:}, {@code mode:}, {@code owner:}, {@code group:}, {@code backup:}, {@code force:},
     * {@code timeout:}. The console shows the plan and asks; {@code fleetroll run} is a dry run unless
     * {@code --confirm}. Touched hosts are re-audited.
     */
    public ChangeResults setOverride(Map<String, ?> options, Object source) {
        return verbs().setOverride(options, source);
    }

    public ChangeResults setOverride(Object source) {
        return verbs().setOverride(source);
    }

    /** Removes the override file from every host (after a backup unless {@code backup: false}); {@code reason:}. */
    public ChangeResults unsetOverride(Map<String, ?> options) {
        return verbs().unsetOverride(options);
    }

    public ChangeResults unsetOverride() {
        return verbs().unsetOverride();
    }

    /**
     * Writes vault.yaml to every host (validated as YAML first; its content is never shown or logged, only its
     * sha256). Options: {@code reason:}, {@code mode:}, {@code owner:}, {@code group:}, {@code backup:}, {@code timeout:}.
     */
    public ChangeResults setVault(Map<String, ?> options, Object source) {
        return verbs().setVault(options, source);
    }

    public ChangeResults setVault(Object source) {
        return verbs().setVault(source);
    }

    /**
     * Runs Puppet once on every host ({@code FLEETROLL_SINGLE_RUN=1}), on a pty, at most {@code ssh.fanout} at once,
     * then re-audits them: {@code runPuppet()}, {@code runPuppet(reason: 'canary', timeout: 20.minutes)}. Options:
     * {@code reason:}, {@code timeout:}, {@code command:} (the wrapper's path), {@code quiet:} (no per-host output in
     * scripts). Running Puppet changes hosts: the console asks, {@code fleetroll run} is a dry run unless
     * {@code --confirm}. Returns {@link PuppetResults}: ok = exit 0 or 2, {@code changed} = exit 2.
     */
    public PuppetResults runPuppet(Map<String, ?> options) {
        return verbs().runPuppet(options);
    }

    public PuppetResults runPuppet() {
        return verbs().runPuppet();
    }

    /**
     * Reboots every host through the store's reboot slots, each climbing the escalation ladder until it is seen back
     * (its uptime restarted): {@code reboot(reason: 'kernel 6.12')}, optionally {@code fanout: 10}. A host that does
     * not come back keeps its slot until released by hand ({@code fleetroll reboot-slots release}). The console asks,
     * {@code fleetroll run} is a dry run unless {@code --confirm}. Returns {@link Results}: ok = came back.
     */
    public Results reboot(Map<String, ?> options) {
        return verbs().reboot(options);
    }

    /**
     * Quarantines every host's Taskcluster worker: {@code quarantine(reason: 'disk failing')}, optionally
     * {@code for: 2.days} (default: ten years, as Taskcluster's own tools do). The plan names the workers (from the
     * last {@code tc()}); the console asks, scripts are dry runs unless {@code --confirm}; each change is in the audit
     * log. Needs Taskcluster credentials.
     */
    public Results quarantine(Map<String, ?> options) {
        return verbs().quarantine(options);
    }

    /** Ends the quarantine of every host's Taskcluster worker: {@code unquarantine()}, {@code unquarantine(reason: 'fixed')}. */
    public Results unquarantine(Map<String, ?> options) {
        return verbs().unquarantine(options);
    }

    public Results unquarantine() {
        return verbs().unquarantine();
    }

    /**
     * Leaves an operator note on every host ({@code note('disk failing, RELOPS-123')}): one line the monitor's NOTE
     * column shows until {@link #clearNote} (with the author and time; in the audit log as {@code host.note_add}).
     * Touches no host. A dry run ({@code fleetroll run} without {@code --confirm}) only says what it would do.
     * Returns this set with the fresh state, so the REPL shows the notes.
     */
    public HostSet note(String text) {
        return verbs().note(text);
    }

    /** Clears the notes of every host: {@code clearNote()}, {@code clearNote(reason: 'disk replaced')}. */
    public HostSet clearNote(Map<String, ?> options) {
        return verbs().clearNote(options);
    }

    public HostSet clearNote() {
        return verbs().clearNote();
    }

    /**
     * Re-audits until every host meets {@code condition} or {@code timeout} passes: {@code waitFor(2.hours) { applied }}.
     * Option {@code every:} (default 30 s) sets the time between audits. Hosts that meet the condition are not
     * audited again. Returns {@link Results}: ok = met; failed = did not meet it in time; unreachable = could not
     * be audited at the last try.
     */
    public Results waitFor(Map<String, ?> options, Duration timeout,
                           @DelegatesTo(value = HostState.class, strategy = Closure.DELEGATE_FIRST)
                           @ClosureParams(value = SimpleType.class, options = "dev.fleetroll.state.HostState")
                           Closure<?> condition) {
        return verbs().waitFor(options, timeout, condition);
    }

    /** {@code waitFor(30.minutes) { applied }} with an audit every 30 seconds. */
    public Results waitFor(Duration timeout,
                           @DelegatesTo(value = HostState.class, strategy = Closure.DELEGATE_FIRST)
                           @ClosureParams(value = SimpleType.class, options = "dev.fleetroll.state.HostState")
                           Closure<?> condition) {
        return verbs().waitFor(timeout, condition);
    }

    private FleetVerbs verbs() {
        return new FleetVerbs(session, this);
    }

    public static Duration toDuration(Object v, String what) {
        if (v == null) {
            return null;
        }
        if (v instanceof Duration d) {
            return d;
        }
        if (v instanceof Number n) {
            return Duration.ofMillis(Math.round(n.doubleValue() * 1000));
        }
        Duration d = Durations.tryParse(v.toString());
        if (d == null) {
            throw new UserError(what + " '" + v + "' is not a duration (use e.g. 30.seconds, 5.minutes or '1h30m')");
        }
        return d;
    }

    // ---- identity ----------------------------------------------------------------------------------------

    @Override
    public boolean equals(Object o) {
        return o instanceof HostSet h && h.names.equals(names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    /** {@code 4 hosts: ms-[1-3],db1}. */
    @Override
    public String toString() {
        return names.size() + (names.size() == 1 ? " host" : " hosts") + (names.isEmpty() ? "" : ": " + Results.abbreviate(fold()));
    }
}
