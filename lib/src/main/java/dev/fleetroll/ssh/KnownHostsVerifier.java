package dev.fleetroll.ssh;

import dev.fleetroll.util.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one known_hosts verifier of a process. Each file is parsed once and kept in memory (re-read only when another
 * process changed it); lookups never touch the disk beyond a {@code stat}. Plain names are indexed: a lookup looks
 * at the lines naming the host, plus the lines no index can answer (hashed, wildcard and negated patterns, markers),
 * in file order, instead of matching every line of a file that lists the whole fleet.
 *
 * <p>Understands plain and hashed ({@code |1|salt|hash}) host fields, pattern lists with {@code *}, {@code ?} and
 * {@code !}, the {@code [host]:port} form for ports other than 22, and the {@code @revoked} marker (a revoked key is
 * always refused). {@code @cert-authority} lines are parsed and skipped: fleetroll does not verify host certificates.
 *
 * <p>Policies: {@code yes} refuses unknown keys; {@code accept-new} (the default) appends unknown keys to the first
 * UserKnownHostsFile; {@code no} accepts anything (unknown keys are appended, as OpenSSH does). A changed key is
 * refused under {@code yes} and {@code accept-new} with a message naming the host, the file and line, and the
 * {@code ssh-keygen -R} command that fixes it. Never prompts: {@code ask} is treated as {@code yes}.
 *
 * <p>Appends are serialised inside the process (one lock per file) and across processes ({@code flock} on the file),
 * and the file is re-checked under the lock, so many connections finishing at once add exactly one line per host.
 */
public final class KnownHostsVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(KnownHostsVerifier.class);

    /** StrictHostKeyChecking as fleetroll applies it. */
    public enum Policy {
        YES, ACCEPT_NEW, NO;

        /** {@code yes|true|ask} -> YES, {@code no|false|off} -> NO, {@code accept-new} -> ACCEPT_NEW. */
        public static Policy parse(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "yes", "true", "ask" -> YES;
                case "no", "false", "off" -> NO;
                case "accept-new" -> ACCEPT_NEW;
                default -> throw new IllegalArgumentException("StrictHostKeyChecking '" + value
                        + "' is not yes, no or accept-new");
            };
        }

        public String label() {
            return this == ACCEPT_NEW ? "accept-new" : name().toLowerCase(Locale.ROOT);
        }
    }

    /** The outcome of checking one key. {@code message} is set when the key was refused (one line). */
    public record Verdict(boolean accepted, String message) {
        static Verdict ok() {
            return new Verdict(true, null);
        }

        static Verdict refused(String why) {
            return new Verdict(false, why);
        }
    }

    private enum Status { KNOWN, CHANGED, REVOKED, NEW }

    private record Match(Status status, Path file, int line) {}

    private final ConcurrentHashMap<Path, HostsFile> files = new ConcurrentHashMap<>();
    private final AtomicBoolean askWarned = new AtomicBoolean();

    /**
     * Checks {@code keyType}/{@code keyBlob} (the SSH wire encoding of the public key) presented by the host that
     * is known in known_hosts as {@code name} (HostKeyAlias or HostName) on {@code port}.
     *
     * @param policyText the StrictHostKeyChecking value in force for this host (for messages: {@code ask} is shown)
     */
    public Verdict verify(String name, int port, boolean alias, List<Path> userFiles, List<Path> globalFiles,
                          String policyText, String keyType, byte[] keyBlob) {
        Policy policy = Policy.parse(policyText);
        if (policyText.equalsIgnoreCase("ask") && askWarned.compareAndSet(false, true)) {
            LOG.warn("StrictHostKeyChecking ask cannot prompt during a fan-out; fleetroll treats it as yes");
        }
        String lookup = lookupName(name, port, alias);
        List<Path> all = new ArrayList<>(userFiles);
        all.addAll(globalFiles);
        Match m = find(lookup, all, keyType, keyBlob, true);
        Verdict v = judge(m, lookup, policy, keyType, keyBlob);
        if (v != null) {
            return v;
        }
        if (policy == Policy.YES) {
            Path target = userFiles.isEmpty() ? Path.of("~/.ssh/known_hosts") : userFiles.get(0);
            return Verdict.refused("no known host key for " + lookup + " and StrictHostKeyChecking="
                    + policyText.toLowerCase(Locale.ROOT)
                    + (policyText.equalsIgnoreCase("ask") ? " (treated as yes: fleetroll never prompts)" : "")
                    + "; after checking " + keyType + " " + fingerprint(keyBlob) + " add it with: ssh-keyscan"
                    + (port == 22 || alias ? "" : " -p " + port) + " -t " + keyType + " " + Shell.quote(name) + " >> " + Shell.quote(target.toString()));
        }
        if (userFiles.isEmpty()) {
            LOG.debug("no UserKnownHostsFile for {}; new key accepted but not recorded", lookup);
            return Verdict.ok();
        }
        return appendNew(userFiles.get(0), lookup, all, keyType, keyBlob, policy);
    }

    /** The verdict for a key that is known, changed or revoked; null for a new key (the caller decides). */
    private static Verdict judge(Match m, String lookup, Policy policy, String keyType, byte[] keyBlob) {
        return switch (m.status) {
            case KNOWN -> Verdict.ok();
            case REVOKED -> Verdict.refused("host key for " + lookup + " (" + keyType + " " + fingerprint(keyBlob)
                    + ") is marked @revoked in " + m.file + ":" + m.line + "; refusing to connect");
            case CHANGED -> {
                if (policy == Policy.NO) {
                    LOG.warn("host key for {} changed (known key in {}:{}); accepted because StrictHostKeyChecking=no",
                            lookup, m.file, m.line);
                    yield Verdict.ok();
                }
                yield Verdict.refused("host key for " + lookup + " changed: it now presents " + keyType + " "
                        + fingerprint(keyBlob) + ", which differs from " + m.file + ":" + m.line
                        + "; if the host was reinstalled, remove the old key with: ssh-keygen -R "
                        + Shell.quote(lookup) + " -f " + Shell.quote(m.file.toString()));
            }
            case NEW -> null;
        };
    }

    /** The key types known for this host, for ordering the host key algorithms we offer (OpenSSH does the same). */
    public Set<String> knownKeyTypes(String name, int port, boolean alias, List<Path> files) {
        String lookup = lookupName(name, port, alias);
        Set<String> types = new LinkedHashSet<>();
        HostMatcher hm = new HostMatcher(lookup);
        for (Path f : files) {
            for (Entry e : file(f).snapshot().candidates(hm.lookupLower)) {
                if (e.marker == null && hm.matches(e)) {
                    types.add(e.keyType);
                }
            }
        }
        return types;
    }

    /** OpenSSH's name for a host in known_hosts: {@code host}, {@code [host]:port} off port 22, or the alias. */
    public static String lookupName(String name, int port, boolean alias) {
        if (alias || port == 22) {
            return name;
        }
        return "[" + name + "]:" + port;
    }

    private Match find(String lookup, List<Path> paths, String keyType, byte[] blob, boolean reload) {
        Match changed = null;
        HostMatcher hm = new HostMatcher(lookup);
        List<Snapshot> snapshots = new ArrayList<>(paths.size());
        for (Path p : paths) {
            HostsFile hf = reload ? file(p) : files.computeIfAbsent(p.toAbsolutePath().normalize(), HostsFile::new);
            snapshots.add(hf.snapshot());
        }
        // a revoked key is refused whatever other lines say, as OpenSSH checks revocation before matching
        for (int i = 0; i < paths.size(); i++) {
            for (Entry e : snapshots.get(i).scanned()) {
                if ("@revoked".equals(e.marker) && Arrays.equals(e.blob, blob)) {
                    return new Match(Status.REVOKED, paths.get(i), e.line);
                }
            }
        }
        for (int i = 0; i < paths.size(); i++) {
            Path p = paths.get(i);
            for (Entry e : snapshots.get(i).candidates(hm.lookupLower)) {
                if (e.marker != null || !hm.matches(e)) {
                    continue;
                }
                if (e.keyType.equals(keyType)) {
                    if (Arrays.equals(e.blob, blob)) {
                        return new Match(Status.KNOWN, p, e.line);
                    }
                    if (changed == null) {
                        changed = new Match(Status.CHANGED, p, e.line);
                    }
                }
            }
        }
        return changed != null ? changed : new Match(Status.NEW, null, 0);
    }

    private Verdict appendNew(Path target, String lookup, List<Path> all, String keyType, byte[] blob, Policy policy) {
        HostsFile hf = file(target);
        hf.lock.lock();
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent);
                try {
                    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx------"));
                } catch (UnsupportedOperationException ignored) {
                    // not POSIX
                }
            }
            try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                // Another thread or process may have added this host while we waited: look again under the lock.
                // Only the target file is re-read here (holding its lock), so two appends never wait on each other.
                hf.reloadIfChanged();
                Match again = find(lookup, all, keyType, blob, false);
                Verdict v = judge(again, lookup, policy, keyType, blob);
                if (v != null) {
                    return v;
                }
                long size = ch.size();
                StringBuilder line = new StringBuilder();
                if (size > 0) {
                    ByteBuffer last = ByteBuffer.allocate(1);
                    ch.read(last, size - 1);
                    if (last.get(0) != '\n') {
                        line.append('\n');
                    }
                }
                line.append(lookup).append(' ').append(keyType).append(' ')
                        .append(Base64.getEncoder().encodeToString(blob)).append('\n');
                ByteBuffer buf = ByteBuffer.wrap(line.toString().getBytes(StandardCharsets.UTF_8));
                long pos = size;
                while (buf.hasRemaining()) {
                    pos += ch.write(buf, pos);
                }
                ch.force(false);
                hf.appended(new Entry(null, lookup, keyType, blob, hf.lines + 1), pos);
            }
            LOG.debug("added {} {} {} to {}", lookup, keyType, fingerprint(blob), target);
            return Verdict.ok();
        } catch (IOException e) {
            if (policy == Policy.NO) {
                return Verdict.ok();
            }
            return Verdict.refused("new host key for " + lookup + " could not be recorded in " + target + ": "
                    + e.getMessage() + " (fix the file's permissions or set UserKnownHostsFile)");
        } finally {
            hf.lock.unlock();
        }
    }

    private HostsFile file(Path p) {
        HostsFile hf = files.computeIfAbsent(p.toAbsolutePath().normalize(), HostsFile::new);
        hf.reloadIfChanged();
        return hf;
    }

    /** {@code SHA256:base64}, as ssh prints fingerprints. */
    public static String fingerprint(byte[] blob) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- one file

    /** A known_hosts file held in memory; {@code snapshot} is immutable, replaced under {@code lock}. */
    private static final class HostsFile {
        final Path path;
        final ReentrantLock lock = new ReentrantLock();
        private volatile Snapshot snapshot = Snapshot.of(List.of());
        private volatile long size = -1;
        private volatile FileTime mtime;
        private volatile boolean loaded;

        HostsFile(Path path) {
            this.path = path;
        }

        Snapshot snapshot() {
            return snapshot;
        }

        private volatile int lines;

        /** Loads the file the first time, and again when its size or mtime differ from what we last saw. */
        void reloadIfChanged() {
            long s;
            FileTime t;
            try {
                s = Files.size(path);
                t = Files.getLastModifiedTime(path);
            } catch (NoSuchFileException e) {
                s = -1;
                t = null;
            } catch (IOException e) {
                LOG.debug("cannot stat {}: {}", path, e.getMessage());
                return;
            }
            if (loaded && s == size && java.util.Objects.equals(t, mtime)) {
                return;
            }
            lock.lock();
            try {
                if (loaded && s == size && java.util.Objects.equals(t, mtime)) {
                    return;
                }
                List<Entry> parsed = new ArrayList<>();
                int n = 0;
                if (s >= 0) {
                    try {
                        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                            n++;
                            Entry e = Entry.parse(line, n);
                            if (e != null) {
                                parsed.add(e);
                            }
                        }
                    } catch (IOException | UncheckedIOException e) {
                        LOG.warn("cannot read known hosts file {}: {}", path, e.getMessage());
                    }
                }
                snapshot = Snapshot.of(parsed);
                lines = n;
                size = s;
                mtime = t;
                loaded = true;
            } finally {
                lock.unlock();
            }
        }

        /** Records our own append so the next stat does not trigger a reload. Called under {@code lock}. */
        void appended(Entry e, long newSize) {
            List<Entry> next = new ArrayList<>(snapshot.entries());
            next.add(e);
            snapshot = Snapshot.of(next);
            lines = e.line;
            size = newSize;
            try {
                mtime = Files.getLastModifiedTime(path);
            } catch (IOException ex) {
                mtime = null;
            }
        }
    }

    /**
     * A file's entries in file order, with an index of the plain ones (no marker, not hashed, names without wildcards
     * or negation) by each name they list; {@code scanned} holds every other entry, which any lookup must look at.
     */
    record Snapshot(List<Entry> entries, Map<String, List<Entry>> byName, List<Entry> scanned) {
        static Snapshot of(List<Entry> entries) {
            Map<String, List<Entry>> byName = new HashMap<>();
            List<Entry> scanned = new ArrayList<>();
            for (Entry e : entries) {
                if (!e.plain) {
                    scanned.add(e);
                    continue;
                }
                for (SshConfigResolver.Glob.Pattern p : e.patterns) {
                    List<Entry> named = byName.computeIfAbsent(p.glob(), k -> new ArrayList<>(1));
                    if (named.isEmpty() || named.getLast() != e) { // "a,a" lists its entry once
                        named.add(e);
                    }
                }
            }
            return new Snapshot(List.copyOf(entries), byName, List.copyOf(scanned));
        }

        /** The entries a lookup of {@code lowerName} must look at, in file order (a superset of its matches). */
        List<Entry> candidates(String lowerName) {
            List<Entry> named = byName.getOrDefault(lowerName, List.of());
            if (scanned.isEmpty()) {
                return named;
            }
            if (named.isEmpty()) {
                return scanned;
            }
            List<Entry> merged = new ArrayList<>(named.size() + scanned.size());
            int i = 0;
            int j = 0;
            while (i < named.size() || j < scanned.size()) {
                if (j == scanned.size() || (i < named.size() && named.get(i).line < scanned.get(j).line)) {
                    merged.add(named.get(i++));
                } else {
                    merged.add(scanned.get(j++));
                }
            }
            return merged;
        }
    }

    /** One known_hosts line. {@code hosts} is the host field; hashed fields carry salt and hash. */
    static final class Entry {
        final String marker;
        final String hosts;
        final String keyType;
        final byte[] blob;
        final int line;
        private final byte[] salt;
        private final byte[] hash;
        /** The host field's patterns (OpenSSH's comma-separated list), lower-cased; empty for a hashed field. */
        final List<SshConfigResolver.Glob.Pattern> patterns;
        /** No marker, not hashed, only literal names: found through the index. */
        final boolean plain;

        Entry(String marker, String hosts, String keyType, byte[] blob, int line) {
            this.marker = marker;
            this.hosts = hosts;
            this.keyType = keyType;
            this.blob = blob;
            this.line = line;
            boolean hashed = hosts.startsWith("|");
            this.patterns = hashed ? List.of() : SshConfigResolver.Glob.parseList(hosts, true);
            this.plain = marker == null && !hashed && patterns.stream().allMatch(SshConfigResolver.Glob.Pattern::literal);
            byte[] s = null;
            byte[] h = null;
            if (hosts.startsWith("|1|")) {
                String[] parts = hosts.substring(3).split("\\|");
                if (parts.length == 2) {
                    try {
                        s = Base64.getDecoder().decode(parts[0]);
                        h = Base64.getDecoder().decode(parts[1]);
                    } catch (IllegalArgumentException ignored) {
                        // malformed: never matches
                    }
                }
            }
            this.salt = s;
            this.hash = h;
        }

        static Entry parse(String raw, int n) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                return null;
            }
            String[] f = line.split("[ \t]+");
            int i = 0;
            String marker = null;
            if (f[0].startsWith("@")) {
                marker = f[0].toLowerCase(Locale.ROOT);
                i = 1;
            }
            if (f.length < i + 3) {
                return null;
            }
            try {
                byte[] blob = Base64.getDecoder().decode(f[i + 2]);
                return new Entry(marker, f[i], f[i + 1], blob, n);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

    }

    /** Matches entries against one lookup name; reuses one HMAC for hashed entries. */
    private static final class HostMatcher {
        final String lookupLower;
        private final byte[] lookupBytes;
        private Mac mac;

        HostMatcher(String lookup) {
            this.lookupLower = lookup.toLowerCase(Locale.ROOT);
            this.lookupBytes = lookup.getBytes(StandardCharsets.UTF_8);
        }

        boolean matches(Entry e) {
            if (e.hosts.startsWith("|")) {
                if (e.salt == null) {
                    return false;
                }
                try {
                    if (mac == null) {
                        mac = Mac.getInstance("HmacSHA1");
                    }
                    mac.init(new SecretKeySpec(e.salt, "HmacSHA1"));
                    return MessageDigest.isEqual(mac.doFinal(lookupBytes), e.hash);
                } catch (NoSuchAlgorithmException | InvalidKeyException ex) {
                    return false;
                }
            }
            return SshConfigResolver.Glob.matchesList(e.patterns, lookupLower); // both sides lower-cased
        }
    }
}
