package dev.fleetroll.inventory;

import dev.fleetroll.util.EditDistance;
import dev.fleetroll.util.NaturalOrder;
import dev.fleetroll.UserError;
import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.store.JdbcStore;
import dev.fleetroll.store.Stores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * Turns what an operator types into host names: host-list names ({@code linux/1804}, {@code sandbox}), list files,
 * node sets ({@code t-linux64-ms-[001-040]}) and single hosts, several at once separated by commas.
 *
 * <p>Host lists are {@code NAME.list} files under {@code $FLEETROLL_HOME/host-lists}, {@code <project>/configs/host-lists}
 * and any configured extra directories, named by their path without {@code .list}; earlier directories win.
 * A dot-less name that is not a list goes through the configured short-name expansions and default domain.
 *
 * <p>{@code KEY:VALUE} selects the enabled hosts of record with that population fact ({@link Fact#population()}:
 * {@code pool:gecko-t-linux-talos-1804}, {@code dc:mdc1}, {@code os:linux}, {@code hw:...}, {@code role:...}) — the
 * one resolver behind the DSL's {@code hosts(...)} and every CLI command that takes HOSTS.
 */
public final class Inventory {
    /** {@code KEY:VALUE}: a population selector ({@code pool:gecko-t-linux-talos-1804}, {@code dc:mdc1}). */
    private static final Pattern POPULATION = Pattern.compile("([A-Za-z_]+):(.*)");

    private final List<Path> listDirs;
    private final List<Rule> rules;
    private final String defaultDomain;
    private final Supplier<List<InventoryHost>> records;

    /** The workspace's lists and rules; population selectors read the hosts of record from its store. */
    public Inventory(Workspace ws) {
        this(listDirs(ws), ws.config().inventory(), () -> storedRecords(ws));
    }

    /** Lists and rules without hosts of record (a population selector selects nothing, and says so). */
    public Inventory(List<Path> listDirs, FleetrollConfig.Inventory config) {
        this(listDirs, config, List::of);
    }

    /**
     * Lists and rules, with {@code records} supplying the hosts of record for population selectors (read when a
     * selector is resolved, so a long-lived console sees changes).
     */
    public Inventory(List<Path> listDirs, FleetrollConfig.Inventory config, Supplier<List<InventoryHost>> records) {
        this.records = records;
        this.listDirs = List.copyOf(listDirs);
        this.rules = new ArrayList<>();
        for (Map.Entry<String, FleetrollConfig.Expansion> e : config.expansions().entrySet()) {
            try {
                rules.add(new Rule(e.getKey(), Pattern.compile(e.getValue().match()), e.getValue().replace()));
            } catch (PatternSyntaxException | NullPointerException ex) {
                throw new UserError("inventory.expansions." + e.getKey() + ": bad regex '" + e.getValue().match() + "'");
            }
        }
        String d = config.defaultDomain();
        this.defaultDomain = d == null || d.isBlank() ? null : (d.startsWith(".") ? d : "." + d);
    }

    /** The hosts of record in the workspace's store; none when there is no store yet (nothing is created). */
    private static List<InventoryHost> storedRecords(Workspace ws) {
        FleetrollConfig.Store config = ws.config().store();
        boolean local = config == null || config.url() == null;
        if (local && !Files.exists(ws.home().database())) {
            return List.of();
        }
        try (JdbcStore store = Stores.open(ws.home(), config)) {
            return new InventoryStore(store).all();
        }
    }

    private static List<Path> listDirs(Workspace ws) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(ws.home().hostLists());
        if (ws.projectDir() != null) {
            dirs.add(ws.projectDir().resolve("configs").resolve("host-lists"));
        }
        for (String extra : ws.config().inventory().hostListDirs()) {
            dirs.add(ws.path(extra));
        }
        return dirs;
    }

    public List<Path> listDirectories() {
        return listDirs;
    }

    /**
     * Resolves specs into a naturally sorted list of distinct host names. Each spec may hold several
     * comma-separated parts. Throws {@link UserError} for unknown lists, bad names and empty results.
     */
    public List<String> resolve(List<String> specs) {
        if (specs.isEmpty()) {
            throw new UserError("no hosts given (name a host, a node set like t-linux64-ms-[001-010], or a host list)");
        }
        Set<String> hosts = new TreeSet<>(NaturalOrder.INSTANCE);
        for (String spec : specs) {
            for (String part : splitTopLevel(spec)) {
                hosts.addAll(resolveOne(part));
            }
        }
        return List.copyOf(hosts);
    }

    public List<String> resolve(String... specs) {
        return resolve(List.of(specs));
    }

    private List<String> resolveOne(String spec) {
        String s = spec.strip();
        if (s.isEmpty()) {
            throw new UserError("empty host name in '" + spec + "'");
        }
        Matcher pop = POPULATION.matcher(s);
        if (pop.matches()) {
            return population(pop.group(1), pop.group(2).strip());
        }
        Path asFile = Path.of(s);
        if ((s.endsWith(".list") || s.contains("/")) && Files.isRegularFile(asFile)) {
            return nonEmpty(HostListFile.read(asFile), s);
        }
        Optional<Path> list = findList(s);
        if (list.isPresent()) {
            return nonEmpty(HostListFile.read(list.get()), s);
        }
        if (s.contains("/") || s.endsWith(".list")) {
            throw new UserError("unknown host list '" + s + "'" + suggestion(s) + " (lists are NAME.list files under "
                    + listDirs.stream().map(Path::toString).reduce((a, b) -> a + ", " + b).orElse("nowhere") + ")");
        }
        List<String> out = new ArrayList<>();
        for (String name : NodeSet.expand(s)) {
            String problem = HostNames.problem(name);
            if (problem != null) {
                throw new UserError("bad host name '" + name + "': " + problem + suggestion(name));
            }
            out.add(expandName(name.toLowerCase(java.util.Locale.ROOT)));
        }
        return out;
    }

    /**
     * The enabled hosts of record whose {@code key} fact is {@code value} (case-insensitive). An unknown key, or a value
     * no host of record has, is a one-line error naming the nearest known key or value.
     */
    public List<String> population(String key, String value) {
        Fact fact = Fact.population(key);
        if (value.isEmpty()) {
            throw new UserError("empty " + fact.key() + " in '" + key + ":' (write " + fact.key() + ":VALUE)");
        }
        List<InventoryHost> all = records.get();
        List<String> out = new ArrayList<>();
        Set<String> known = new TreeSet<>(NaturalOrder.INSTANCE);
        boolean onlyDisabled = false;
        for (InventoryHost h : all) {
            String v = h.fact(fact);
            if (v == null) {
                continue;
            }
            known.add(v);
            if (v.equalsIgnoreCase(value)) {
                if (h.enabled()) {
                    out.add(h.host());
                } else {
                    onlyDisabled = true;
                }
            }
        }
        if (!out.isEmpty()) {
            return out;
        }
        if (onlyDisabled) {
            throw new UserError("every host of record with " + fact.key() + " '" + value + "' is disabled (fleetroll inventory"
                    + " list shows them; name a disabled host directly to select it)");
        }
        if (all.isEmpty()) {
            throw new UserError("no hosts of record yet, so '" + fact.key() + ":" + value + "' selects nothing"
                    + " (fleetroll inventory import LIST... adds them)");
        }
        String near = EditDistance.closest(value.toLowerCase(java.util.Locale.ROOT),
                known.stream().map(k -> k.toLowerCase(java.util.Locale.ROOT)).toList());
        List<String> some = known.stream().limit(12).toList();
        throw new UserError("no host of record has " + fact.key() + " '" + value + "'"
                + (near == null ? "" : " (did you mean '" + fact.key() + ":" + near + "'?)")
                + (known.isEmpty() ? "; no host of record has a " + fact.key() + " yet"
                        : "; known: " + String.join(", ", some) + (known.size() > some.size() ? ", ..." : "")));
    }

    private static List<String> nonEmpty(List<String> hosts, String spec) {
        if (hosts.isEmpty()) {
            throw new UserError("host list '" + spec + "' is empty");
        }
        return hosts;
    }

    /** Applies the short-name rules and the default domain to a dot-less name. */
    public String expandName(String name) {
        if (name.contains(".")) {
            return name;
        }
        String n = name;
        for (Rule r : rules) {
            var m = r.pattern.matcher(n);
            if (m.matches()) {
                n = m.replaceFirst(r.replace);
                break;
            }
        }
        if (!n.contains(".") && defaultDomain != null) {
            n = n + defaultDomain;
        }
        String problem = HostNames.problem(n);
        if (problem != null) {
            throw new UserError("short name '" + name + "' expands to bad host name '" + n + "': " + problem);
        }
        return n.toLowerCase(java.util.Locale.ROOT);
    }

    /** The file behind a list name, searching the list directories in order. */
    public Optional<Path> findList(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.contains("..")) {
            return Optional.empty();
        }
        String file = name.endsWith(".list") ? name : name + ".list";
        for (Path dir : listDirs) {
            Path p = dir.resolve(file);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Every list name visible, sorted naturally; the first directory wins when two define the same name. */
    public List<String> listNames() {
        Map<String, Path> names = new LinkedHashMap<>();
        for (Path dir : listDirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(p -> p.getFileName().toString().endsWith(".list") && Files.isRegularFile(p))
                        .forEach(p -> {
                            String rel = dir.relativize(p).toString().replace('\\', '/');
                            names.putIfAbsent(rel.substring(0, rel.length() - ".list".length()), p);
                        });
            } catch (IOException e) {
                throw new UserError("cannot read host-list directory " + dir + ": " + e.getMessage());
            }
        }
        List<String> sorted = new ArrayList<>(names.keySet());
        sorted.sort(NaturalOrder.INSTANCE);
        return sorted;
    }

    private String suggestion(String wrong) {
        String best = EditDistance.closest(wrong, listNames());
        return best == null ? "" : " (did you mean the host list '" + best + "'?)";
    }

    /** Splits on commas that are not inside brackets: {@code a,w[1-3,7]} → {@code a}, {@code w[1-3,7]}. */
    static List<String> splitTopLevel(String spec) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(spec.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(spec.substring(start));
        // a part with node-set operators (!, &, ^) must stay whole with what it operates on
        List<String> merged = new ArrayList<>();
        for (String p : parts) {
            if (!merged.isEmpty() && startsWithOperator(p)) {
                merged.set(merged.size() - 1, merged.get(merged.size() - 1) + "," + p);
            } else {
                merged.add(p);
            }
        }
        return merged.stream().filter(p -> !p.isBlank() || parts.size() == 1).toList();
    }

    private static boolean startsWithOperator(String p) {
        String t = p.strip();
        return !t.isEmpty() && (t.charAt(0) == '!' || t.charAt(0) == '&' || t.charAt(0) == '^');
    }

    private record Rule(String name, Pattern pattern, String replace) {}
}
