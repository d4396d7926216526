package dev.fleetroll.console.repl;

import dev.fleetroll.console.dsl.DslSession;
import dev.fleetroll.inventory.HostListFile;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.util.NaturalOrder;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.state.NamedFilter;
import dev.fleetroll.state.NamedFilters;
import groovy.lang.Binding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What completion may see in a live session: variable classes from the binding (the values themselves are never
 * called), host-list names and the hosts in those lists (local files), and the hosts the store has seen (the local
 * SQLite store; opening the engine object does not start SSH). Nothing here opens a connection or runs user code;
 * results are cached briefly so repeated TABs stay instant.
 */
final class ReplEnvironment implements CompletionAnalyzer.Environment {
    private static final long TTL_NANOS = 10_000_000_000L;

    private final Binding binding;
    private final DslSession session;
    private List<String> lists = List.of();
    private List<String> hosts = List.of();
    private long loadedAt;

    ReplEnvironment(Binding binding, DslSession session) {
        this.binding = binding;
        this.session = session;
    }

    @Override
    public Map<String, Class<?>> variables() {
        Map<String, Class<?>> out = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> vars = new LinkedHashMap<>(binding.getVariables());
        vars.forEach((k, v) -> out.put(k, v == null ? null : v.getClass()));
        return out;
    }

    @Override
    public synchronized List<String> hostListNames() {
        refresh();
        return lists;
    }

    @Override
    public synchronized List<String> hostNames() {
        refresh();
        return hosts;
    }

    @Override
    public List<String> filterNames() {
        try {
            return NamedFilters.load(session.workspace()).filters().stream().map(NamedFilter::name).toList();
        } catch (RuntimeException e) {
            return List.of(); // a broken filters directory must not break completion
        }
    }

    private void refresh() {
        if (System.nanoTime() - loadedAt < TTL_NANOS && loadedAt != 0) {
            return;
        }
        loadedAt = System.nanoTime();
        try {
            Inventory inv = session.inventory();
            lists = inv.listNames();
            TreeSet<String> names = new TreeSet<>(NaturalOrder.INSTANCE);
            for (String l : lists) {
                inv.findList(l).ifPresent(p -> {
                    try {
                        names.addAll(HostListFile.read(p));
                    } catch (RuntimeException ignored) {
                        // a broken list file must not break completion
                    }
                });
            }
            // the engine object opens the local store only; SSH starts with the first network verb
            Fleet fleet = session.fleet();
            names.addAll(fleet.knownHosts());
            hosts = new ArrayList<>(names);
        } catch (RuntimeException e) {
            lists = List.of();
            hosts = List.of();
        }
    }

    @Override
    public Path workingDirectory() {
        return Path.of("").toAbsolutePath();
    }
}
