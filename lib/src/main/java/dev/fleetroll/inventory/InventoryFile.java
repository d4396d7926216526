package dev.fleetroll.inventory;

import dev.fleetroll.UserError;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files {@code inventory import} reads. Two forms:
 * <ul>
 *   <li>a host list ({@link HostListFile}: one host or node set a line, {@code #} comments, {@code # fqdn: .suffix}),
 *       where each line may carry facts after the host: {@code t-linux64-ms-[001-040] pool=gecko-t-linux-talos-1804
 *       dc=mdc1 os=linux role=gecko_t_linux_talos};</li>
 *   <li>CSV ({@code *.csv}): a header line {@code host,pool,dc,...} (host first, then fact keys), one host a row; an
 *       empty cell leaves that fact unset. No quoting: values never contain commas.</li>
 * </ul>
 * Every problem names {@code FILE:LINE}. The same host on several lines (or in several files) is merged; two
 * different values for one fact are an error naming both places.
 */
public final class InventoryFile {
    private static final Pattern FQDN = Pattern.compile("^#\\s*fqdn\\s*:\\s*(\\S*)\\s*$", Pattern.CASE_INSENSITIVE);

    private InventoryFile() {}

    /** Reads and merges {@code files}, in order; throws {@link UserError} naming the first bad line. */
    public static List<InventoryEntry> read(List<Path> files) {
        Merger m = new Merger();
        for (Path f : files) {
            m.addAll(parse(text(f), f.toString(), f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")));
        }
        return m.entries();
    }

    /** Parses one file's text; {@code source} names it in errors and in each entry's source. */
    public static List<InventoryEntry> parse(String text, String source, boolean csv) {
        return csv ? csv(text, source) : list(text, source);
    }

    private static List<InventoryEntry> list(String text, String source) {
        String suffix = null;
        List<InventoryEntry> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            String where = source + ":" + (i + 1);
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher m = FQDN.matcher(line);
                if (m.matches()) {
                    String s = m.group(1);
                    if (s.isEmpty()) {
                        throw new UserError(where + ": fqdn directive without a suffix (write '# fqdn: .example.com')");
                    }
                    s = s.startsWith(".") ? s : "." + s;
                    if (suffix != null && !suffix.equals(s)) {
                        throw new UserError(where + ": second fqdn directive '" + s + "' conflicts with '" + suffix
                                + "' (use one suffix per file)");
                    }
                    suffix = s;
                }
                continue;
            }
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash).strip();
            }
            String[] words = line.split("\\s+");
            Map<Fact, String> facts = new EnumMap<>(Fact.class);
            for (int w = 1; w < words.length; w++) {
                int eq = words[w].indexOf('=');
                if (eq <= 0) {
                    throw new UserError(where + ": '" + words[w] + "' is not KEY=VALUE (write e.g. "
                            + words[0] + " pool=POOL dc=DC; one host a line)");
                }
                Fact f = fact(words[w].substring(0, eq), where);
                String v = value(f, words[w].substring(eq + 1), where);
                if (facts.containsKey(f)) {
                    throw new UserError(where + ": " + f.key() + " given twice");
                }
                facts.put(f, v);
            }
            for (String host : hosts(words[0], suffix, where)) {
                out.add(new InventoryEntry(host, facts, where));
            }
        }
        return out;
    }

    private static List<InventoryEntry> csv(String text, String source) {
        String[] lines = text.split("\r?\n", -1);
        List<Fact> columns = null;
        List<InventoryEntry> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            String where = source + ":" + (i + 1);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (columns == null) {
                if (!cells[0].strip().equalsIgnoreCase("host")) {
                    throw new UserError(where + ": the header must start with 'host' (e.g. host,pool,dc,os,hw,role)");
                }
                columns = new ArrayList<>();
                for (int c = 1; c < cells.length; c++) {
                    Fact f = fact(cells[c], where);
                    if (columns.contains(f)) {
                        throw new UserError(where + ": column " + f.key() + " given twice");
                    }
                    columns.add(f);
                }
                continue;
            }
            if (cells.length != columns.size() + 1) {
                throw new UserError(where + ": " + cells.length + " cells, the header has " + (columns.size() + 1));
            }
            Map<Fact, String> facts = new EnumMap<>(Fact.class);
            for (int c = 1; c < cells.length; c++) {
                if (!cells[c].isBlank()) {
                    facts.put(columns.get(c - 1), value(columns.get(c - 1), cells[c], where));
                }
            }
            for (String host : hosts(cells[0].strip(), null, where)) {
                out.add(new InventoryEntry(host, facts, where));
            }
        }
        if (columns == null) {
            throw new UserError(source + ": no header line (write host,pool,dc,... first)");
        }
        return out;
    }

    private static Fact fact(String key, String where) {
        try {
            return Fact.of(key);
        } catch (UserError e) {
            throw new UserError(where + ": " + e.getMessage());
        }
    }

    private static String value(Fact f, String v, String where) {
        try {
            return f.check(v);
        } catch (UserError e) {
            throw new UserError(where + ": " + e.getMessage());
        }
    }

    private static List<String> hosts(String spec, String suffix, String where) {
        List<String> names;
        try {
            names = NodeSet.expand(spec);
        } catch (UserError e) {
            throw new UserError(where + ": " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        for (String n : names) {
            String full = suffix != null && !n.contains(".") ? n + suffix : n;
            String problem = HostNames.problem(full);
            if (problem != null) {
                throw new UserError(where + ": bad host name '" + full + "': " + problem);
            }
            out.add(full.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private static String text(Path file) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new UserError("inventory file " + file + " does not exist");
        } catch (CharacterCodingException e) {
            throw new UserError("inventory file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UserError("cannot read inventory file " + file + ": " + e.getMessage());
        }
    }

    /** Merges entries of one host; two different values for a fact are an error naming both places. */
    static final class Merger {
        private final Map<String, Map<Fact, String>> facts = new LinkedHashMap<>();
        private final Map<String, Map<Fact, String>> where = new LinkedHashMap<>();
        private final Map<String, String> firstSource = new LinkedHashMap<>();

        void addAll(List<InventoryEntry> entries) {
            for (InventoryEntry e : entries) {
                firstSource.putIfAbsent(e.host(), e.source());
                Map<Fact, String> f = facts.computeIfAbsent(e.host(), k -> new EnumMap<>(Fact.class));
                Map<Fact, String> w = where.computeIfAbsent(e.host(), k -> new EnumMap<>(Fact.class));
                e.facts().forEach((k, v) -> {
                    String had = f.get(k);
                    if (had != null && !had.equals(v)) {
                        throw new UserError(e.source() + ": " + e.host() + " " + k.key() + "=" + v + " conflicts with "
                                + k.key() + "=" + had + " at " + w.get(k));
                    }
                    f.put(k, v);
                    w.putIfAbsent(k, e.source());
                });
            }
        }

        List<InventoryEntry> entries() {
            List<InventoryEntry> out = new ArrayList<>();
            facts.forEach((h, f) -> out.add(new InventoryEntry(h, f, firstSource.get(h), where.get(h))));
            return out;
        }
    }
}
