package dev.fleetroll.store

import dev.fleetroll.ssh.Outcome
import java.nio.file.Files
import java.nio.file.Path
import java.time.Instant

/**
 * A separate JVM for {@link SqliteStoreSpec}'s multi-process test.
 *
 * <pre>
 * write DB RETENTION WRITER COUNT BATCH HOSTS   saves COUNT observations (WRITER's sequence numbers in elapsedMs)
 *                                               round-robin over HOSTS shared hosts, in batches of BATCH (1 = save())
 * read DB STOPFILE                              reads in a loop until STOPFILE exists
 * </pre>
 * Prints one result line; any failure is printed and exits 1.
 */
class ConcurrentStoreMain {
    static void main(String[] args) {
        try {
            switch (args[0]) {
                case 'write' -> write(Path.of(args[1]), args[2] as int, args[3] as int, args[4] as int, args[5] as int, args[6] as int)
                case 'read' -> read(Path.of(args[1]), Path.of(args[2]))
                default -> throw new IllegalArgumentException(args[0])
            }
            System.exit(0)
        } catch (Throwable t) {
            t.printStackTrace()
            System.exit(1)
        }
    }

    static void write(Path db, int retention, int writer, int count, int batch, int hosts) {
        def store = SqliteStore.open(db, retention, SqliteStore.MIGRATIONS)
        try {
            def pending = []
            for (int i = 0; i < count; i++) {
                def host = "h${i % hosts}".toString()
                def o = i % 7 == 3
                        ? observation(host, writer, i, false)
                        : observation(host, writer, i, true)
                pending << o
                if (pending.size() == batch || i == count - 1) {
                    if (batch == 1) {
                        store.save(pending[0])
                    } else {
                        store.saveAll(pending)
                    }
                    pending.clear()
                }
            }
        } finally {
            store.close()
        }
        println "WROTE $writer $count"
    }

    static dev.fleetroll.state.Observation observation(String host, int writer, int seq, boolean ok) {
        def ts = Instant.now()
        def base = ok ? Observations.ok(host, ts) : Observations.failed(host, ts, Outcome.TIMED_OUT, "writer $writer")
        new dev.fleetroll.state.Observation(base.host(), base.ts(), base.outcome(), "w$writer".toString(), base.exitCode(),
                writer * 1_000_000L + seq, base.os(), base.hostname(), base.uptimeSeconds(), base.role(), base.override(),
                base.overrideSettings(), base.vault(), base.puppet(), base.workerRunning(), base.warnings())
    }

    static void read(Path db, Path stop) {
        // the writers may not have created the database yet
        while (!Files.exists(db) && !Files.exists(stop)) {
            Thread.sleep(20)
        }
        def store = SqliteStore.open(db, 1_000_000, SqliteStore.MIGRATIONS)
        int reads = 0
        long seen = 0
        try {
            while (!Files.exists(stop)) {
                store.latestByHost()
                store.statusByHost()
                def changes = store.changesSince(seen)
                if (!changes.isEmpty()) {
                    assert changes*.id() == changes*.id().sort()
                    seen = changes[-1].id()
                }
                store.history('h0', 5)
                reads++
            }
        } finally {
            store.close()
        }
        println "READ $reads"
    }
}
