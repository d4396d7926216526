package dev.fleetroll.monitor;

import dev.fleetroll.util.NaturalOrder;
import dev.fleetroll.state.ExternalFacts;
import dev.fleetroll.state.HostNote;
import dev.fleetroll.state.HostState;
import dev.fleetroll.state.Observation;
import dev.fleetroll.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A live view of a store for the monitor: the newest and newest-successful observation of each watched host and
 * the external facts (Taskcluster, GitHub, notes), kept in memory and brought up to date by {@link #poll()}, which
 * reads only what changed since the last poll ({@link Store#marks()}: new observations by id, external facts only
 * when their marks moved). Several feeds (two monitors in two tmux panes) on one store see the same data.
 *
 * <p>Not thread-safe: one thread polls and reads.
 */
public final class FleetFeed {
    private final Store store;
    private final Supplier<ExternalFacts> externalFacts;
    private final Set<String> selection;
    private final Map<String, Observation> latest = new HashMap<>();
    private final Map<String, Observation> latestOk = new HashMap<>();
    private final Map<String, Long> latestId = new HashMap<>();
    private final Map<String, Long> latestOkId = new HashMap<>();
    private final TreeSet<String> hosts = new TreeSet<>(NaturalOrder.INSTANCE);
    /** Each host's state as built at its last change; {@link #states} only ages them (cheap), never rebuilds. */
    private final Map<String, HostState> built = new HashMap<>();
    private ExternalFacts external;
    private Store.Marks marks;
    private long lastId;

    private FleetFeed(Store store, Supplier<ExternalFacts> externalFacts, List<String> selection) {
        this.store = store;
        this.externalFacts = externalFacts;
        this.selection = selection == null ? null : new LinkedHashSet<>(selection);
        if (selection != null) {
            hosts.addAll(selection);
        }
    }

    /**
     * A feed over {@code store}: the hosts in {@code selection}, or every host the store has observed (and every
     * host observed later) when {@code selection} is null.
     */
    public static FleetFeed open(Store store, Supplier<ExternalFacts> externalFacts, List<String> selection) {
        FleetFeed feed = new FleetFeed(store, externalFacts, selection);
        feed.load();
        return feed;
    }

    private void load() {
        // the high-water mark first: an observation saved between the two reads is applied again, harmlessly
        marks = store.marks();
        lastId = marks.observations();
        for (Store.HostStatus st : store.statusByHost().values()) {
            if (watched(st.host())) {
                hosts.add(st.host());
                if (st.latest() != null) {
                    latest.put(st.host(), st.latest());
                    latestId.put(st.host(), 0L);
                }
                if (st.latestOk() != null) {
                    latestOk.put(st.host(), st.latestOk());
                    latestOkId.put(st.host(), 0L);
                }
            }
        }
        external = externalFacts.get();
        rebuild(hosts);
    }

    private void rebuild(Iterable<String> which) {
        Instant now = Instant.now();
        for (String h : which) {
            built.put(h, HostState.of(h, latest.get(h), latestOk.get(h), external, now));
        }
    }

    /**
     * Reads what changed in the store since the last poll.
     *
     * @return what changed; {@link Update#none()} when nothing did
     */
    public Update poll() {
        Store.Marks now = store.marks();
        if (now.equals(marks)) {
            return Update.NONE;
        }
        Set<String> changed = new LinkedHashSet<>();
        if (now.observations() != lastId) {
            for (Store.StoredObservation so : store.changesSince(lastId)) {
                lastId = Math.max(lastId, so.id());
                if (apply(so)) {
                    changed.add(so.observation().host());
                }
            }
        }
        boolean externalChanged = now.externalDiffers(marks);
        if (externalChanged && now.taskcluster() == marks.taskcluster() && now.github() == marks.github()) {
            // only notes: an operator typed one; read the notes alone and rebuild the hosts whose note changed
            Map<String, HostNote> notes = store.notes();
            for (String h : hosts) {
                if (!Objects.equals(notes.get(h), external.noteOf(h))) {
                    changed.add(h);
                }
            }
            external = external.withNotes(notes);
            rebuild(changed);
        } else if (externalChanged) {
            external = externalFacts.get();
            rebuild(hosts);
        } else {
            rebuild(changed);
        }
        marks = now;
        return changed.isEmpty() && !externalChanged ? Update.NONE : new Update(Set.copyOf(changed), externalChanged);
    }

    /** Applies one new observation; true when it changed what the host shows. */
    private boolean apply(Store.StoredObservation so) {
        Observation o = so.observation();
        if (!watched(o.host())) {
            return false;
        }
        hosts.add(o.host());
        boolean changed = newer(o, so.id(), latest.get(o.host()), latestId.get(o.host()));
        if (changed) {
            latest.put(o.host(), o);
            latestId.put(o.host(), so.id());
        }
        if (o.ok() && newer(o, so.id(), latestOk.get(o.host()), latestOkId.get(o.host()))) {
            latestOk.put(o.host(), o);
            latestOkId.put(o.host(), so.id());
            changed = true;
        }
        return changed;
    }

    /**
     * The store's order: greatest ts, ties broken by insertion order. The rows loaded at the start count as inserted
     * first (id 0): a row saved later with the same ts wins, as in the store.
     */
    private static boolean newer(Observation o, long id, Observation current, Long currentId) {
        if (current == null) {
            return true;
        }
        int c = o.ts().compareTo(current.ts());
        return c > 0 || (c == 0 && (currentId == null || id > currentId));
    }

    private boolean watched(String host) {
        return selection == null || selection.contains(host);
    }

    /** The watched hosts, in natural order. */
    public List<String> hosts() {
        return List.copyOf(hosts);
    }

    /**
     * The state of every watched host at {@code now}, in natural host order (hosts never observed have no facts).
     * Costs one {@link HostState#at} per host: states are built when their host or the external facts change.
     */
    public List<HostState> states(Instant now) {
        List<HostState> out = new ArrayList<>(hosts.size());
        for (String h : hosts) {
            HostState s = built.get(h);
            if (s == null) {
                s = HostState.of(h, latest.get(h), latestOk.get(h), external, now);
                built.put(h, s);
            }
            out.add(s.at(now, external.activeWithin()));
        }
        return out;
    }

    /** The external facts as of the last poll. */
    public ExternalFacts external() {
        return external;
    }

    /**
     * What one poll found.
     *
     * @param hosts hosts with a new observation that changed what they show
     * @param external Taskcluster, GitHub or notes changed (every host may look different)
     */
    public record Update(Set<String> hosts, boolean external) {
        static final Update NONE = new Update(Set.of(), false);

        public static Update none() {
            return NONE;
        }

        public boolean any() {
            return external || !hosts.isEmpty();
        }
    }
}
