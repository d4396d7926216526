package dev.fleetroll.store;

import dev.fleetroll.config.FleetrollHome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps sqlite-jdbc's native library extracted once under {@code $FLEETROLL_HOME/cache/native/} and points the driver
 * at it, instead of letting the driver inflate and write a fresh copy to {@code java.io.tmpdir} on every start (about
 * 0.1 s of CPU per command that opens the store). Any problem falls back to the driver's own extraction.
 */
final class SqliteNative {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteNative.class);
    private static final String PATH = "org.sqlite.lib.path";
    private static final String NAME = "org.sqlite.lib.name";
    private static volatile boolean prepared;

    private SqliteNative() {}

    static synchronized void prepare(FleetrollHome home) {
        if (prepared || System.getProperty(PATH) != null) {
            return;
        }
        prepared = true;
        try {
            String folder = OSInfo.getNativeLibFolderPathForCurrentOS();
            String name = System.mapLibraryName("sqlitejdbc");
            if (name.endsWith(".jnilib")) {
                name = name.replace(".jnilib", ".dylib"); // the driver ships macOS libraries as .dylib
            }
            String resource = "/org/sqlite/native/" + folder + "/" + name;
            Path dir = home.dir().resolve("cache").resolve("native")
                    .resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion()).resolve(folder);
            Path lib = dir.resolve(name);
            if (!Files.isRegularFile(lib) || Files.size(lib) == 0) {
                try (InputStream in = SqliteNative.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        return; // no bundled library for this platform: the driver will say so
                    }
                    Files.createDirectories(dir);
                    Path tmp = Files.createTempFile(dir, name, ".tmp");
                    try {
                        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
            }
            System.setProperty(PATH, dir.toString());
            System.setProperty(NAME, name);
        } catch (IOException | RuntimeException e) {
            LOG.debug("sqlite native library not cached ({}); the driver extracts its own copy", e.getMessage());
        }
    }
}
