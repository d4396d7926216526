package dev.fleetroll.ssh;

import dev.fleetroll.UserError;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads OpenSSH client configuration files once and resolves hosts against them with OpenSSH's rules, for the
 * directives fleetroll honours: HostName, User, Port, IdentityFile, IdentitiesOnly, IdentityAgent, ProxyJump,
 * UserKnownHostsFile, GlobalKnownHostsFile, StrictHostKeyChecking, ConnectTimeout, HostKeyAlias.
 *
 * <p>Rules (each checked against {@code ssh -G} in the tests): the first value obtained for a directive wins
 * (IdentityFile accumulates); lines before the first {@code Host}/{@code Match} apply to every host; {@code Host}
 * takes whitespace-separated patterns with {@code *}, {@code ?} and {@code !} negation (a negated match cancels the
 * block), matched case-sensitively against the name given; {@code Include} takes globs, relative to {@code ~/.ssh},
 * and an Include inside an inactive block never activates; keywords are case-insensitive, {@code keyword=value} and
 * quotes work, {@code #} starts a comment.
 *
 * <p>{@code Match} supports {@code all}, {@code host}, {@code originalhost}, {@code user}, {@code localuser}
 * (comma-separated pattern lists, {@code !} negation of patterns and of criteria). {@code exec},
 * {@code canonical}, {@code final}, {@code localnetwork} and {@code tagged} are never true here (fleetroll does not
 * run commands or canonicalize); a block using them is skipped with one warning per line.
 *
 * <p>Instances are immutable after loading and safe to share between threads.
 */
public final class SshConfigResolver {
    private static final Logger LOG = LoggerFactory.getLogger(SshConfigResolver.class);
    private static final int MAX_INCLUDE_DEPTH = 16;
    private static final int MAX_JUMP_DEPTH = 8;
    /** What {@code ssh -G} lists when no IdentityFile is configured (OpenSSH 9.x). */
    public static final List<String> DEFAULT_IDENTITY_FILES = List.of(
            "~/.ssh/id_rsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ecdsa_sk", "~/.ssh/id_ed25519",
            "~/.ssh/id_ed25519_sk", "~/.ssh/id_xmss", "~/.ssh/id_dsa");

    private final List<ConfigFile> files;
    private final Path home;
    private final String localUser;
    /** This machine's name, for %l, %L and %C only: looked up (DNS, which can stall) the first time one is used. */
    private volatile String localHostName;
    /** Resolution is a pure function of the parsed files and the name: each host is resolved once per process. */
    private final Map<String, ResolvedHost> resolved = new ConcurrentHashMap<>();
    /** Config lines already warned about (see {@link #unsupported}). */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private SshConfigResolver(List<ConfigFile> files, Path home, String localUser) {
        this.files = files;
        this.home = home;
        this.localUser = localUser;
    }

    /**
     * Parses {@code configFiles} in order (like {@code ~/.ssh/config} then {@code /etc/ssh/ssh_config}); a file that
     * does not exist is skipped; one that exists but cannot be read is a {@link UserError}.
     *
     * @param home the local user's home directory (for {@code ~} and relative Includes)
     * @param localUser the local user name (default User, {@code %u})
     */
    public static SshConfigResolver load(List<Path> configFiles, Path home, String localUser) {
        List<ConfigFile> parsed = new ArrayList<>();
        for (Path f : configFiles) {
            ConfigFile cf = parseFile(f, home, 0, true);
            if (cf != null) {
                parsed.add(cf);
            }
        }
        return new SshConfigResolver(parsed, home, localUser);
    }

    /** A resolver that knows no configuration: every host gets OpenSSH's defaults. */
    public static SshConfigResolver empty(Path home, String localUser) {
        return new SshConfigResolver(List.of(), home, localUser);
    }

    public Path home() {
        return home;
    }

    public String localUser() {
        return localUser;
    }

    /** Resolves {@code host} as {@code ssh -G host} would. Throws {@link UserError} for an unusable ProxyJump. */
    public ResolvedHost resolve(String host) {
        ResolvedHost r = resolved.get(host);
        if (r == null) {
            r = resolve(host, null, -1, null, 0); // a UserError is not kept: it is thrown again next time
            resolved.putIfAbsent(host, r);
        }
        return r;
    }

    private ResolvedHost resolve(String host, String userOverride, int portOverride, String jumpOverride, int depth) {
        if (depth > MAX_JUMP_DEPTH) {
            throw new UserError("ProxyJump chain for '" + host + "' is deeper than " + MAX_JUMP_DEPTH
                    + " hops (a loop in the ssh config?); fix the ProxyJump lines");
        }
        Options o = new Options();
        // Values given on the "command line" (for jump hosts: the user/port in the ProxyJump spec and the chain
        // before the hop) come first, so they win over the configuration, exactly as ssh -J passes them.
        o.user = userOverride;
        o.port = portOverride > 0 ? portOverride : null;
        o.proxyJump = jumpOverride;
        for (ConfigFile f : files) {
            apply(f, host, o);
        }
        String hostName = o.hostName == null ? host : o.hostName.replace("%%", "\u0000").replace("%h", host).replace("\u0000", "%");
        hostName = hostName.toLowerCase(Locale.ROOT);
        String user = o.user != null ? o.user : localUser;
        int port = o.port != null ? o.port : 22;
        List<String> ids = o.identityFiles.isEmpty() ? DEFAULT_IDENTITY_FILES : o.identityFiles;
        String jumpSpec = o.proxyJump == null || o.proxyJump.equalsIgnoreCase("none") ? null : normalizeJump(o.proxyJump, host);
        if (jumpSpec != null) {
            // OpenSSH refuses a ProxyJump whose last hop is the destination itself ("jumphost loop"); the usual
            // fix is "Host * !bastion".
            Jump last = parseJump(jumpSpec.substring(jumpSpec.lastIndexOf(',') + 1), host);
            if (last.host.equalsIgnoreCase(hostName) && last.port == (o.port == null ? -1 : o.port)) {
                throw new UserError("jumphost loop via " + last.host + " for '" + host
                        + "' (its ProxyJump names itself; exclude it, e.g. 'Host * !" + last.host + "')");
            }
        }
        Tokens tokens = new Tokens(host, hostName, port, user, o.hostKeyAlias, jumpSpec);
        List<Path> idPaths = ids.stream().map(s -> expandPath(s, tokens)).toList();
        List<String> ukh = o.userKnownHostsFiles != null ? o.userKnownHostsFiles
                : List.of("~/.ssh/known_hosts", "~/.ssh/known_hosts2");
        List<String> gkh = o.globalKnownHostsFiles != null ? o.globalKnownHostsFiles
                : List.of("/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2");
        List<Path> ukhPaths = ukh.stream().filter(s -> !s.equalsIgnoreCase("none")).map(s -> expandPath(s, tokens)).toList();
        List<Path> gkhPaths = gkh.stream().filter(s -> !s.equalsIgnoreCase("none")).map(s -> expandPath(s, tokens)).toList();
        List<ResolvedHost> hops = List.of();
        String problem = null;
        if (jumpSpec != null) {
            // Like ssh, a bad jump host only fails the connection, not the resolution (ssh -G still prints it).
            try {
                hops = resolveJumps(host, jumpSpec, depth);
            } catch (UserError e) {
                if (depth > 0) {
                    throw e;
                }
                problem = e.getMessage();
            }
        }
        return new ResolvedHost(host, hostName, user, port, ids, idPaths, Boolean.TRUE.equals(o.identitiesOnly),
                jumpSpec, hops, ukhPaths, gkhPaths, o.strictHostKeyChecking, o.connectTimeout, o.hostKeyAlias,
                o.identityAgent, problem);
    }

    /**
     * ProxyJump {@code a,b} for T is what {@code ssh -J a -W T b} does: b is reached through a (b's own ProxyJump is
     * overridden), a is reached by its own configuration. Each hop may carry {@code user@} and {@code :port}.
     */
    private List<ResolvedHost> resolveJumps(String target, String spec, int depth) {
        List<String> parts = new ArrayList<>();
        for (String p : spec.split(",")) {
            if (!p.isBlank()) {
                parts.add(p.trim());
            }
        }
        List<ResolvedHost> hops = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Jump j = parseJump(parts.get(i), target);
            String before = i == 0 ? null : String.join(",", parts.subList(0, i));
            hops.add(resolve(j.host, j.user, j.port, before, depth + 1));
        }
        return hops;
    }

    private record Jump(String user, String host, int port) {
        @Override
        public String toString() {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return (user == null ? "" : user + "@") + h + (port > 0 ? ":" + port : "");
        }
    }

    /** The spec as OpenSSH keeps it: earlier hops as written, the last one rebuilt from its parts. */
    private static String normalizeJump(String spec, String target) {
        int comma = spec.lastIndexOf(',');
        String last = parseJump(spec.substring(comma + 1).trim(), target).toString();
        return comma < 0 ? last : spec.substring(0, comma) + "," + last;
    }

    private static Jump parseJump(String s, String target) {
        String t = s;
        if (t.startsWith("ssh://")) {
            t = t.substring("ssh://".length());
            if (t.endsWith("/")) {
                t = t.substring(0, t.length() - 1);
            }
        }
        String user = null;
        int at = t.lastIndexOf('@');
        if (at >= 0) {
            user = t.substring(0, at);
            t = t.substring(at + 1);
        }
        int port = -1;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close > 0) {
                String rest = t.substring(close + 1);
                t = t.substring(1, close);
                if (rest.startsWith(":")) {
                    port = parsePort(rest.substring(1), target);
                }
            }
        } else {
            int colon = t.lastIndexOf(':');
            if (colon >= 0 && t.indexOf(':') == colon) {
                port = parsePort(t.substring(colon + 1), target);
                t = t.substring(0, colon);
            }
        }
        if (t.isEmpty()) {
            throw new UserError("ProxyJump '" + s + "' for '" + target + "' names no host; fix the ssh config");
        }
        return new Jump(user, t, port);
    }

    private static int parsePort(String s, String target) {
        try {
            int p = Integer.parseInt(s);
            if (p > 0 && p < 65536) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new UserError("ProxyJump port '" + s + "' for '" + target + "' is not a port number; fix the ssh config");
    }

    // ------------------------------------------------------------------ evaluation

    /** Options being collected for one host; null = not obtained yet (first value wins). */
    private static final class Options {
        String hostName;
        String user;
        Integer port;
        final List<String> identityFiles = new ArrayList<>();
        Boolean identitiesOnly;
        String identityAgent;
        String proxyJump;
        List<String> userKnownHostsFiles;
        List<String> globalKnownHostsFiles;
        String strictHostKeyChecking;
        Duration connectTimeout;
        boolean connectTimeoutSet;
        String hostKeyAlias;
    }

    /**
     * Applies {@code file}'s lines for {@code host}, in file order: the lines before its first Host or Match line, then
     * the body of each block whose Host or Match line holds. Blocks that cannot hold (plain-name Host lines naming
     * other hosts) are not looked at: see {@link ConfigFile#candidates}. An inactive block's Includes are never read,
     * as in OpenSSH, so nothing in them is evaluated. State is in {@code o}.
     */
    private void apply(ConfigFile file, String host, Options o) {
        applyLines(file, 0, file.bodyEnd(-1), host, o);
        for (int block : file.candidates(host)) {
            Line head = file.lines.get(file.heads[block]);
            boolean active = head.keyword.equals("host") ? hostMatches(host, head) : matchMatches(host, o, head);
            if (active) {
                applyLines(file, file.heads[block] + 1, file.bodyEnd(block), host, o);
            }
        }
    }

    private void applyLines(ConfigFile file, int from, int to, String host, Options o) {
        for (int i = from; i < to; i++) {
            Line line = file.lines.get(i);
            if (line.keyword.equals("include")) {
                for (ConfigFile inc : line.included) {
                    apply(inc, host, o);
                }
            } else {
                set(o, line);
            }
        }
    }

    private static boolean hostMatches(String host, Line line) {
        return line.hostNames != null ? line.hostNames.contains(host) : Glob.matchesList(line.hostPatterns, host);
    }

    /**
     * Says once per process and config line that a Match criterion fleetroll cannot evaluate is taken as false: a
     * skipped block may hold the User or ProxyJump the operator relies on, so this is a warning, not a debug line.
     */
    private void unsupported(Line line, String crit) {
        if (warned.add(line.file + ":" + line.number)) {
            LOG.warn("{}:{}: 'Match {}' is not supported by fleetroll (it runs no commands and does not canonicalize);"
                    + " that block is skipped", line.file, line.number, crit);
        }
    }

    private boolean matchMatches(String originalHost, Options o, Line line) {
        String host = o.hostName != null
                ? o.hostName.replace("%%", "\u0000").replace("%h", originalHost).replace("\u0000", "%")
                : originalHost;
        String ruser = o.user != null ? o.user : localUser;
        List<String> args = line.args;
        boolean result = true;
        for (int i = 0; i < args.size(); i++) {
            String crit = args.get(i);
            boolean negate = crit.startsWith("!");
            if (negate) {
                crit = crit.substring(1);
            }
            crit = crit.toLowerCase(Locale.ROOT);
            boolean r;
            switch (crit) {
                case "all" -> r = true;
                case "canonical", "final" -> {
                    unsupported(line, crit);
                    r = false;
                }
                case "host", "originalhost", "user", "localuser", "exec", "localnetwork", "tagged" -> {
                    if (i + 1 >= args.size()) {
                        LOG.debug("{}:{}: Match {} without an argument", line.file, line.number, crit);
                        return false;
                    }
                    String arg = args.get(++i);
                    r = switch (crit) {
                        case "host" -> Glob.matchesList(arg, host, true);
                        case "originalhost" -> Glob.matchesList(arg, originalHost, true);
                        case "user" -> Glob.matchesList(arg, ruser, false);
                        case "localuser" -> Glob.matchesList(arg, localUser, false);
                        default -> {
                            unsupported(line, crit);
                            yield false;
                        }
                    };
                }
                default -> {
                    LOG.debug("{}:{}: unknown Match criterion '{}'; block skipped", line.file, line.number, crit);
                    return false;
                }
            }
            if (r == negate) {
                result = false;
            }
        }
        return result;
    }

    private static void set(Options o, Line line) {
        List<String> a = line.args;
        if (a.isEmpty()) {
            return;
        }
        String v = a.get(0);
        switch (line.keyword) {
            case "hostname" -> {
                if (o.hostName == null) {
                    o.hostName = v;
                }
            }
            case "user" -> {
                if (o.user == null) {
                    o.user = v;
                }
            }
            case "port" -> {
                if (o.port == null) {
                    try {
                        int p = Integer.parseInt(v);
                        if (p > 0 && p < 65536) {
                            o.port = p;
                            return;
                        }
                    } catch (NumberFormatException ignored) {
                        // reported below
                    }
                    throw new UserError(line.where() + ": Port '" + v + "' is not a port number");
                }
            }
            case "identityfile" -> o.identityFiles.add(v);
            case "identitiesonly" -> {
                if (o.identitiesOnly == null) {
                    o.identitiesOnly = yesNo(v, line);
                }
            }
            case "identityagent" -> {
                if (o.identityAgent == null) {
                    o.identityAgent = v;
                }
            }
            case "proxyjump" -> {
                if (o.proxyJump == null) {
                    o.proxyJump = v;
                }
            }
            case "userknownhostsfile" -> {
                if (o.userKnownHostsFiles == null) {
                    o.userKnownHostsFiles = List.copyOf(a);
                }
            }
            case "globalknownhostsfile" -> {
                if (o.globalKnownHostsFiles == null) {
                    o.globalKnownHostsFiles = List.copyOf(a);
                }
            }
            case "stricthostkeychecking" -> {
                if (o.strictHostKeyChecking == null) {
                    o.strictHostKeyChecking = switch (v.toLowerCase(Locale.ROOT)) {
                        case "yes", "true" -> "yes";
                        case "no", "false", "off" -> "no";
                        case "ask" -> "ask";
                        case "accept-new" -> "accept-new";
                        default -> throw new UserError(line.where() + ": StrictHostKeyChecking '" + v
                                + "' is not yes, no, ask or accept-new");
                    };
                }
            }
            case "connecttimeout" -> {
                if (!o.connectTimeoutSet) {
                    o.connectTimeoutSet = true;
                    o.connectTimeout = v.equalsIgnoreCase("none") ? null : convtime(v, line);
                }
            }
            case "hostkeyalias" -> {
                if (o.hostKeyAlias == null) {
                    o.hostKeyAlias = v;
                }
            }
            default -> {
                // Other directives (Ciphers, ForwardAgent, ...) do not change what fleetroll does.
            }
        }
    }

    private static boolean yesNo(String v, Line line) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> true;
            case "no", "false" -> false;
            default -> throw new UserError(line.where() + ": '" + v + "' is not yes or no");
        };
    }

    private static final Pattern TIME_PART = Pattern.compile("(\\d+)([sSmMhHdDwW]?)");

    /** OpenSSH's time format: {@code 30}, {@code 30s}, {@code 1m30s}, ... */
    static Duration convtime(String v, Line line) {
        Matcher m = TIME_PART.matcher(v);
        long total = 0;
        int pos = 0;
        while (pos < v.length() && m.find(pos) && m.start() == pos) {
            long n = Long.parseLong(m.group(1));
            total += n * switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "m" -> 60;
                case "h" -> 3600;
                case "d" -> 86400;
                case "w" -> 604800;
                default -> 1;
            };
            pos = m.end();
        }
        if (pos != v.length() || v.isEmpty()) {
            throw new UserError((line == null ? "" : line.where() + ": ") + "'" + v + "' is not a time (use e.g. 10 or 1m30s)");
        }
        return Duration.ofSeconds(total);
    }

    // ------------------------------------------------------------------ tokens and paths

    private record Tokens(String original, String hostName, int port, String user, String hostKeyAlias, String jump) {}

    private Path expandPath(String raw, Tokens t) {
        String s = raw;
        if (s.equals("~") || s.startsWith("~/")) {
            s = home + s.substring(1);
        }
        s = expandTokens(s, t);
        return Path.of(s);
    }

    private String expandTokens(String s, Tokens t) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char k = s.charAt(++i);
            switch (k) {
                case '%' -> b.append('%');
                case 'h' -> b.append(t.hostName);
                case 'n' -> b.append(t.original);
                case 'p' -> b.append(t.port);
                case 'r' -> b.append(t.user);
                case 'u' -> b.append(localUser);
                case 'd' -> b.append(home);
                case 'k' -> b.append(t.hostKeyAlias != null ? t.hostKeyAlias : t.hostName);
                case 'j' -> b.append(t.jump == null ? "" : t.jump);
                case 'l' -> b.append(localHostName());
                case 'L' -> b.append(localHostName().contains(".") ? localHostName().substring(0, localHostName().indexOf('.')) : localHostName());
                case 'C' -> b.append(sha1Hex(localHostName() + t.hostName + t.port + t.user + (t.jump == null ? "" : t.jump)));
                default -> b.append('%').append(k);
            }
        }
        return b.toString();
    }

    private static String sha1Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String localHostName() {
        String n = localHostName;
        if (n == null) {
            try {
                n = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                n = "localhost";
            }
            localHostName = n;
        }
        return n;
    }

    // ------------------------------------------------------------------ parsing

    /**
     * One parsed file (Includes already read, so resolving never touches the disk), indexed by block: a generated
     * fleet config has a plain-name Host line per host, and resolving each host through all of them made a fan-out
     * quadratic in the fleet's size.
     *
     * @param heads the index in {@code lines} of each Host and Match line (block {@code b} is {@code heads[b]} and
     *     the lines after it up to the next head)
     * @param named for each name, the blocks whose Host line is plain names (see {@link Line}) including it
     * @param unnamed the other blocks (Match, Host with a wildcard or a negation): they may hold for any host
     */
    private record ConfigFile(Path path, List<Line> lines, int[] heads, Map<String, int[]> named, int[] unnamed) {
        private static final int[] NONE = new int[0];

        static ConfigFile of(Path path, List<Line> lines) {
            List<Integer> heads = new ArrayList<>();
            List<Integer> unnamed = new ArrayList<>();
            Map<String, List<Integer>> named = new HashMap<>();
            for (int i = 0; i < lines.size(); i++) {
                Line line = lines.get(i);
                if (!line.keyword.equals("host") && !line.keyword.equals("match")) {
                    continue;
                }
                int block = heads.size();
                heads.add(i);
                if (line.hostNames == null) {
                    unnamed.add(block);
                } else {
                    for (String name : line.hostNames) {
                        named.computeIfAbsent(name, k -> new ArrayList<>()).add(block);
                    }
                }
            }
            Map<String, int[]> index = new HashMap<>();
            named.forEach((name, blocks) -> index.put(name, ints(blocks)));
            return new ConfigFile(path, lines, ints(heads), Map.copyOf(index), ints(unnamed));
        }

        private static int[] ints(List<Integer> list) {
            return list.stream().mapToInt(Integer::intValue).toArray();
        }

        /** The blocks that may hold for {@code host}, in file order: the unnamed ones and those naming it. */
        int[] candidates(String host) {
            int[] mine = named.getOrDefault(host, NONE);
            if (mine.length == 0) {
                return unnamed;
            }
            int[] out = new int[unnamed.length + mine.length];
            int a = 0;
            int b = 0;
            for (int k = 0; k < out.length; k++) {
                out[k] = b >= mine.length || (a < unnamed.length && unnamed[a] < mine[b]) ? unnamed[a++] : mine[b++];
            }
            return out;
        }

        /** Where block {@code block}'s body ends; for -1, the lines before the first block. */
        int bodyEnd(int block) {
            return block + 1 < heads.length ? heads[block + 1] : lines.size();
        }
    }

    /**
     * One directive. For a Host line, its patterns parsed once ({@code hostPatterns}, as written: Host matching is
     * case-sensitive) and, when they are all plain names (no wildcard, no {@code !}), those names ({@code hostNames}),
     * by which {@link ConfigFile} indexes its blocks. Both null for other lines.
     */
    private record Line(Path file, int number, String keyword, List<String> args, List<ConfigFile> included,
            List<Glob.Pattern> hostPatterns, Set<String> hostNames) {
        static Line of(Path file, int number, String keyword, List<String> args, List<ConfigFile> included) {
            if (!keyword.equals("host")) {
                return new Line(file, number, keyword, args, included, null, null);
            }
            List<Glob.Pattern> patterns = args.stream().map(Glob.Pattern::of).toList();
            Set<String> names = patterns.stream().allMatch(Glob.Pattern::literal)
                    ? Set.copyOf(patterns.stream().map(Glob.Pattern::glob).toList()) : null;
            return new Line(file, number, keyword, args, included, patterns, names);
        }

        String where() {
            return file + " line " + number;
        }
    }

    private static ConfigFile parseFile(Path path, Path home, int depth, boolean top) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (top) {
                LOG.debug("ssh config {} does not exist", path);
            }
            return null;
        } catch (IOException | SecurityException e) {
            throw new UserError("cannot read ssh config " + path + ": " + e.getMessage()
                    + " (fix its permissions or point ssh.config_file elsewhere)");
        } catch (RuntimeException e) {
            throw new UserError("cannot read ssh config " + path + " as text: " + e.getMessage());
        }
        List<Line> lines = new ArrayList<>();
        int n = 0;
        for (String raw : text.split("\r?\n", -1)) {
            n++;
            List<String> words = split(raw, path, n);
            if (words.isEmpty()) {
                continue;
            }
            String keyword = words.get(0).toLowerCase(Locale.ROOT);
            List<String> args = words.subList(1, words.size());
            if (args.isEmpty()) {
                throw new UserError(path + " line " + n + ": no argument after keyword \"" + words.get(0) + "\"");
            }
            List<ConfigFile> included = List.of();
            if (keyword.equals("include")) {
                if (depth >= MAX_INCLUDE_DEPTH) {
                    throw new UserError(path + " line " + n + ": Include nested too deeply");
                }
                included = new ArrayList<>();
                for (String pattern : args) {
                    for (Path p : glob(pattern, home)) {
                        ConfigFile inc = parseFile(p, home, depth + 1, false);
                        if (inc != null) {
                            included.add(inc);
                        }
                    }
                }
            }
            lines.add(Line.of(path, n, keyword, List.copyOf(args), included));
        }
        return ConfigFile.of(path, lines);
    }

    /**
     * Splits a line like OpenSSH does: keyword, then one optional {@code =}, then arguments separated by whitespace,
     * with double or single quotes grouping and {@code #} starting a comment at the start of a word.
     */
    static List<String> split(String line, Path file, int n) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int len = line.length();
        while (i < len && isSpace(line.charAt(i))) {
            i++;
        }
        if (i >= len || line.charAt(i) == '#') {
            return out;
        }
        int start = i;
        while (i < len && !isSpace(line.charAt(i)) && line.charAt(i) != '=') {
            i++;
        }
        out.add(line.substring(start, i));
        while (i < len && isSpace(line.charAt(i))) {
            i++;
        }
        if (i < len && line.charAt(i) == '=') {
            i++;
        }
        StringBuilder cur = null;
        char quote = 0;
        for (; i < len; i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && i + 1 < len && (line.charAt(i + 1) == quote || line.charAt(i + 1) == '\\')) {
                    cur.append(line.charAt(++i));
                } else {
                    cur.append(c);
                }
                continue;
            }
            if (isSpace(c)) {
                if (cur != null) {
                    out.add(cur.toString());
                    cur = null;
                }
                continue;
            }
            if (cur == null) {
                if (c == '#') {
                    break;
                }
                cur = new StringBuilder();
            }
            if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '\\' && i + 1 < len && "\\\"' ".indexOf(line.charAt(i + 1)) >= 0) {
                cur.append(line.charAt(++i));
            } else {
                cur.append(c);
            }
        }
        if (quote != 0) {
            throw new UserError(file + " line " + n + ": unterminated quote");
        }
        if (cur != null) {
            out.add(cur.toString());
        }
        return out;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\f' || c == '\r';
    }

    /** Expands an Include argument: {@code ~/}, relative to {@code ~/.ssh}, glob characters in any segment. */
    static List<Path> glob(String pattern, Path home) {
        String p = pattern;
        if (p.startsWith("~/")) {
            p = home + p.substring(1);
        } else if (!p.startsWith("/")) {
            p = home.resolve(".ssh").resolve(p).toString();
        }
        if (p.chars().noneMatch(c -> c == '*' || c == '?' || c == '[')) {
            return List.of(Path.of(p));
        }
        List<Path> current = List.of(Path.of("/"));
        String[] segments = p.substring(1).split("/");
        for (String seg : segments) {
            if (seg.isEmpty()) {
                continue;
            }
            List<Path> next = new ArrayList<>();
            if (seg.chars().noneMatch(c -> c == '*' || c == '?' || c == '[')) {
                for (Path c : current) {
                    next.add(c.resolve(seg));
                }
            } else {
                PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + seg);
                for (Path c : current) {
                    if (!Files.isDirectory(c)) {
                        continue;
                    }
                    List<Path> found = new ArrayList<>();
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(c)) {
                        for (Path e : ds) {
                            String name = e.getFileName().toString();
                            if (m.matches(e.getFileName()) && (!name.startsWith(".") || seg.startsWith("."))) {
                                found.add(e);
                            }
                        }
                    } catch (IOException e) {
                        LOG.debug("Include: cannot list {}: {}", c, e.getMessage());
                    }
                    found.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
                    next.addAll(found);
                }
            }
            current = next;
        }
        return current;
    }

    /** OpenSSH's pattern matching: {@code *} and {@code ?} only. */
    static final class Glob {
        private Glob() {}

        private static boolean match(String p, int pi, String s, int si) {
            while (pi < p.length()) {
                char c = p.charAt(pi);
                if (c == '*') {
                    while (pi < p.length() && p.charAt(pi) == '*') {
                        pi++;
                    }
                    if (pi == p.length()) {
                        return true;
                    }
                    for (int k = si; k <= s.length(); k++) {
                        if (match(p, pi, s, k)) {
                            return true;
                        }
                    }
                    return false;
                }
                if (si >= s.length()) {
                    return false;
                }
                if (c != '?' && c != s.charAt(si)) {
                    return false;
                }
                pi++;
                si++;
            }
            return si == s.length();
        }

        /** One pattern of a list, without its {@code !}. */
        record Pattern(String glob, boolean negated) {
            /** A pattern as written: a leading {@code !} negates it. */
            static Pattern of(String written) {
                boolean negated = written.startsWith("!");
                return new Pattern(negated ? written.substring(1) : written, negated);
            }

            /** Whether the pattern is a plain name: no wildcard, not negated. */
            boolean literal() {
                return !negated && glob.indexOf('*') < 0 && glob.indexOf('?') < 0;
            }
        }

        /** A comma-separated pattern list split once, empty entries dropped; lower-cased when {@code lowerCase}. */
        static List<Pattern> parseList(String list, boolean lowerCase) {
            List<Pattern> out = new ArrayList<>();
            for (String p : list.split(",")) {
                if (!p.isEmpty()) {
                    out.add(Pattern.of(lowerCase ? p.toLowerCase(Locale.ROOT) : p));
                }
            }
            return List.copyOf(out);
        }

        /**
         * OpenSSH's {@code match_pattern_list}: a negated match fails the whole list, otherwise any positive match
         * succeeds. Compared as given: lower-case both sides for a case-insensitive match.
         */
        static boolean matchesList(List<Pattern> patterns, String s) {
            boolean got = false;
            for (Pattern p : patterns) {
                if (match(p.glob(), 0, s, 0)) {
                    if (p.negated()) {
                        return false;
                    }
                    got = true;
                }
            }
            return got;
        }

        /** {@link #matchesList(List, String)} for a list given as text (comma-separated, {@code !} negates). */
        static boolean matchesList(String list, String s, boolean ignoreCase) {
            return matchesList(parseList(list, ignoreCase), ignoreCase ? s.toLowerCase(Locale.ROOT) : s);
        }
    }

    /** For tests and {@code ssh-config}: the parsed files in order (Includes flattened). */
    public List<Path> files() {
        List<Path> out = new ArrayList<>();
        Map<Path, Boolean> seen = new LinkedHashMap<>();
        for (ConfigFile f : files) {
            collect(f, seen);
        }
        out.addAll(seen.keySet());
        return out;
    }

    private static void collect(ConfigFile f, Map<Path, Boolean> seen) {
        seen.put(f.path, Boolean.TRUE);
        for (Line l : f.lines) {
            for (ConfigFile inc : l.included) {
                collect(inc, seen);
            }
        }
    }
}
