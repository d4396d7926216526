package dev.fleetroll.content;

import dev.fleetroll.util.Sha256;
import dev.fleetroll.config.FleetrollHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed files of one kind (overrides or vault YAMLs): every file seen on a host or pushed to one is
 * kept under the first 12 hex digits of its sha256 (4 more per collision with different content, up to 64), and
 * can be found again by sha prefix, full sha or humanhash.
 *
 * <p>Writes are atomic (temp file in the same directory, then a hard link that never replaces an existing name) and
 * idempotent, so concurrent fleetroll processes can store the same content at once. Vault files hold secrets: the
 * directory is 0700, files are 0600, and their content is never logged. Symbolic links an operator adds
 * (a friendly name pointing at a stored file) are followed only when looked up by their exact name.
 */
public final class ContentStore {
    private static final Logger log = LoggerFactory.getLogger(ContentStore.class);

    public static final int PREFIX_LEN = 12;
    public static final int PREFIX_STEP = 4;
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
    private static final String TMP_PREFIX = ".tmp-";

    /**
     * One stored file.
     *
     * @param sha256 full lower-case hex digest of the content
     * @param path the file (named by a prefix of {@code sha256})
     * @param humanhash two-word name of the digest
     * @param size bytes
     */
    public record Entry(String sha256, Path path, String humanhash, long size) {
        /** The file name: the shortest unambiguous sha prefix this store gave it. */
        public String name() {
            return path.getFileName().toString();
        }
    }

    private final Path dir;
    private final boolean secret;

    /** @param secret true for secret content (vaults): 0600 files in a 0700 directory */
    public ContentStore(Path dir, boolean secret) {
        this.dir = dir.toAbsolutePath().normalize();
        this.secret = secret;
    }

    /** {@code $FLEETROLL_HOME/overrides/}. */
    public static ContentStore overrides(FleetrollHome home) {
        return new ContentStore(home.overrides(), false);
    }

    /** {@code $FLEETROLL_HOME/vault_yamls/} (0700, files 0600). */
    public static ContentStore vault(FleetrollHome home) {
        return new ContentStore(home.vaultYamls(), true);
    }

    public Path dir() {
        return dir;
    }

    /** True when the content is secret (vaults). */
    public boolean secret() {
        return secret;
    }

    /**
     * Stores {@code content} (no-op when already stored) and returns its entry.
     *
     * @throws UncheckedIOException when the directory is not writable
     */
    public Entry put(byte[] content) {
        String sha = Sha256.hex(content);
        try {
            ensureDir();
            int len = PREFIX_LEN;
            while (true) {
                Path target = dir.resolve(sha.substring(0, len));
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    if (sameContent(target, sha)) {
                        fixMode(target);
                        return entry(sha, target, content.length);
                    }
                    if (len == 64) {
                        throw new IOException(target + " exists with different content; remove it");
                    }
                    len += PREFIX_STEP;
                    continue;
                }
                Path tmp = Files.createTempFile(dir, TMP_PREFIX, "", PosixFilePermissions.asFileAttribute(fileMode()));
                try {
                    fixMode(tmp);
                    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                        ByteBuffer buf = ByteBuffer.wrap(content);
                        while (buf.hasRemaining()) {
                            ch.write(buf);
                        }
                        ch.force(true);
                    }
                    if (publish(tmp, target)) {
                        log.debug("stored {} bytes as {}/{}", content.length, dir.getFileName(), target.getFileName());
                        return entry(sha, target, content.length);
                    }
                    // another process created the name meanwhile: look at it again
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store content in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Links {@code tmp} to {@code target}; false when {@code target} appeared in the meantime. */
    private static boolean publish(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        }
    }

    /** The entry with exactly this full sha256, if stored. */
    public Optional<Entry> get(String sha256) {
        return lookup(sha256).map(f -> entry(f.sha(), f.path(), f.bytes().length));
    }

    /** The content stored under exactly this full sha256, read and verified once. */
    public Optional<byte[]> content(String sha256) {
        return lookup(sha256).map(Found::bytes);
    }

    private record Found(String sha, Path path, byte[] bytes) {}

    private Optional<Found> lookup(String sha256) {
        String sha = sha256.toLowerCase(Locale.ROOT);
        if (sha.length() != 64 || !HEX.matcher(sha).matches()) {
            return Optional.empty();
        }
        for (int len = PREFIX_LEN; len <= 64; len += PREFIX_STEP) {
            Path p = dir.resolve(sha.substring(0, len));
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            try {
                byte[] bytes = Files.readAllBytes(p);
                if (Sha256.hex(bytes).equals(sha)) {
                    return Optional.of(new Found(sha, p, bytes));
                }
            } catch (IOException e) {
                log.warn("cannot read {}: {}", p, e.getMessage());
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Every stored entry matching {@code query}: a sha prefix (any length, hex), a full sha, a humanhash
     * ({@code colorado-floor}), or the exact name of an operator's symlink in the directory. Several results mean
     * the query is ambiguous; none means unknown. Sorted by sha.
     */
    public List<Entry> find(String query) {
        String q = query.strip().toLowerCase(Locale.ROOT);
        if (q.isEmpty() || !Files.isDirectory(dir)) {
            return List.of();
        }
        if (!q.contains("/") && !q.startsWith(".")) {
            Path named = dir.resolve(query.strip());
            if (Files.isSymbolicLink(named)) {
                return resolveLink(named).map(List::of).orElse(List.of());
            }
        }
        boolean hex = HEX.matcher(q).matches();
        boolean human = Humanhash.looksLikeHumanhash(q);
        if (!hex && !human) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        for (Entry e : list()) {
            if (hex && e.sha256().startsWith(q) || human && e.humanhash().equals(q)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Every stored entry (regular files named by their sha prefix; temp files and symlinks skipped), by sha. */
    public List<Entry> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.length() < PREFIX_LEN || !HEX.matcher(name).matches()
                        || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try {
                    byte[] bytes = Files.readAllBytes(p);
                    String sha = Sha256.hex(bytes);
                    if (!sha.startsWith(name)) {
                        log.warn("ignoring {}: its content does not match its name", p);
                        continue;
                    }
                    out.add(entry(sha, p, bytes.length));
                } catch (NoSuchFileException gone) {
                    // removed meanwhile
                } catch (IOException e) {
                    log.warn("cannot read {}: {}", p, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(Entry::sha256));
        return out;
    }

    /** The content of a stored entry. */
    public byte[] read(Entry entry) {
        try {
            return Files.readAllBytes(entry.path());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + entry.path() + ": " + e.getMessage(), e);
        }
    }

    private Optional<Entry> resolveLink(Path link) {
        try {
            Path target = link.toRealPath();
            if (!target.getParent().equals(dir.toRealPath())) {
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(target);
            String sha = Sha256.hex(bytes);
            return sha.startsWith(target.getFileName().toString()) ? Optional.of(entry(sha, target, bytes.length))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private boolean sameContent(Path existing, String sha) throws IOException {
        try {
            return Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS) && Sha256.hex(Files.readAllBytes(existing)).equals(sha);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private void ensureDir() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        if (secret) {
            setMode(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private void fixMode(Path file) throws IOException {
        setMode(file, fileMode());
    }

    private Set<PosixFilePermission> fileMode() {
        return PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--");
    }

    private static void setMode(Path p, Set<PosixFilePermission> mode) throws IOException {
        try {
            if (!Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(mode)) {
                Files.setPosixFilePermissions(p, mode);
            }
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
    }

    private static Entry entry(String sha, Path path, long size) {
        return new Entry(sha, path, Humanhash.of(sha), size);
    }

}
