package dev.fleetroll.store

import dev.fleetroll.sandbox.Prerequisite

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.sql.Connection
import java.sql.DriverManager
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/**
 * A throwaway PostgreSQL cluster for one spec class: {@code initdb} into a temporary directory, the server on a free
 * loopback port with its socket in that directory, trust authentication for the fixture's superuser
 * ({@link #USER}); stopped ({@code pg_ctl stop -m immediate}) and deleted by {@link #close()} (use Spock's
 * {@code @Shared @AutoCleanup}), or by a JVM shutdown hook as a last resort.
 *
 * <p>initdb refuses to run as root, so when the tests run as root (CI) the cluster's programs run as {@code nobody}
 * through {@code setpriv}, the data directory owned by it. The programs are found under
 * {@code /usr/lib/postgresql/<version>/bin} (the newest version installed; see {@link Prerequisite#PG_INITDB}).
 *
 * <pre>
 * &#64;Requires({ PostgresFixture.supported() })
 * class MySpec extends Specification {
 *     &#64;Shared &#64;AutoCleanup PostgresFixture pg = PostgresFixture.start()
 *
 *     def "..."() {
 *         def store = PostgresStore.open(PostgresUrl.parse(pg.createDatabase()), 10)
 *     }
 * }
 * </pre>
 */
class PostgresFixture implements AutoCloseable {
    static final String USER = 'fleetroll'
    private static final String RUN_AS = 'nobody'
    private static final String RUN_AS_GROUP = 'nogroup'
    private static final long TIMEOUT_S = 180

    final Path dir
    final int port
    private final Path bin
    private final Thread hook
    private final AtomicInteger databases = new AtomicInteger()
    private boolean closed

    private PostgresFixture(Path dir, Path bin, int port) {
        this.dir = dir
        this.bin = bin
        this.port = port
        this.hook = new Thread({ quietly { stop() } }, 'postgres-fixture-teardown')
        Runtime.runtime.addShutdownHook(hook)
    }

    /** Whether this machine has PostgreSQL's server programs (and setpriv when running as root). */
    static boolean supported() {
        [Prerequisite.PG_INITDB, Prerequisite.PG_CTL, Prerequisite.PG_POSTGRES].every { it.present() } &&
                (!root() || Prerequisite.SETPRIV.present())
    }

    /** initdb + start; tries three free ports before giving up. */
    static PostgresFixture start() {
        Path bin = Prerequisite.PG_INITDB.resolve()?.parent
        if (bin == null) {
            throw new IllegalStateException('no /usr/lib/postgresql/*/bin/initdb (Debian package postgresql)')
        }
        Path dir = Files.createTempDirectory('fleetroll-pg-')
        try {
            // the unprivileged user must reach the data and socket directories inside
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString('rwx--x--x'))
            Path data = dir.resolve('data')
            Path sock = dir.resolve('run') // the socket and the server's log
            Files.createDirectories(data)
            Files.createDirectories(sock)
            if (root()) {
                run(['chown', "$RUN_AS:$RUN_AS_GROUP".toString(), data.toString(), sock.toString()], dir.resolve('chown.log'))
            }
            run(asUser([bin.resolve('initdb').toString(), '-D', data.toString(), '-U', USER, '--auth=trust', '-E', 'UTF8',
                        '--locale=C', '--no-sync', '--no-instructions']), dir.resolve('initdb.log'))
            Exception last = null
            for (int attempt = 0; attempt < 3; attempt++) {
                int port = freePort()
                try {
                    run(asUser([bin.resolve('pg_ctl').toString(), '-D', data.toString(), '-l', sock.resolve('server.log').toString(),
                                '-w', '-t', Long.toString(TIMEOUT_S), '-o',
                                "-c listen_addresses=127.0.0.1 -p $port -k $sock -c fsync=off -c synchronous_commit=off" +
                                        ' -c full_page_writes=off -c dynamic_shared_memory_type=mmap -c max_connections=60' +
                                        ' -c shared_buffers=16MB', 'start']), dir.resolve('pg_ctl.log'))
                    return new PostgresFixture(dir, bin, port)
                } catch (Exception e) {
                    last = e
                    quietly { run(asUser([bin.resolve('pg_ctl').toString(), '-D', data.toString(), '-m', 'immediate', 'stop']), dir.resolve('pg_ctl-stop.log')) }
                }
            }
            throw last
        } catch (Throwable t) {
            dir.toFile().deleteDir()
            throw t
        }
    }

    /** A new, empty database; returns its store URL ({@code postgres://fleetroll@127.0.0.1:PORT/NAME}). */
    String createDatabase(String name = null) {
        String db = name ?: "fleetroll_${databases.incrementAndGet()}"
        admin { Connection c -> c.createStatement().withCloseable { it.execute("CREATE DATABASE \"$db\"") } }
        "postgres://$USER@127.0.0.1:$port/$db".toString()
    }

    /** A JDBC connection to {@code database} as the superuser (close it). */
    Connection connect(String database) {
        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:$port/$database", [user: USER] as Properties)
    }

    private <T> T admin(Closure<T> body) {
        connect('postgres').withCloseable(body)
    }

    /** The server's log (for a failing spec's report). */
    String serverLog() {
        Path log = dir.resolve('run/server.log')
        Files.exists(log) ? log.text : ''
    }

    @Override
    synchronized void close() {
        if (closed) {
            return
        }
        closed = true
        try {
            stop()
        } finally {
            quietly { Runtime.runtime.removeShutdownHook(hook) }
        }
    }

    private synchronized void stop() {
        try {
            if (Files.isDirectory(dir.resolve('data'))) {
                run(asUser([bin.resolve('pg_ctl').toString(), '-D', dir.resolve('data').toString(), '-m', 'immediate', '-w',
                            '-t', Long.toString(TIMEOUT_S), 'stop']), dir.resolve('pg_ctl-stop.log'))
            }
        } finally {
            dir.toFile().deleteDir()
        }
    }

    private static boolean root() {
        'root' == System.getProperty('user.name')
    }

    private static List<String> asUser(List<String> command) {
        def env = ['env', '-i', 'PATH=/usr/bin:/bin', 'LANG=C', 'LC_ALL=C']
        root() ? ['setpriv', "--reuid=$RUN_AS".toString(), "--regid=$RUN_AS_GROUP".toString(), '--clear-groups'] + env + command
                : env + command
    }

    /** Runs {@code command} with its output in {@code log}; a failure names the log's tail. */
    private static void run(List<?> args, Path log) {
        List<String> command = args.collect { it.toString() }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start()
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly()
            throw new IllegalStateException("${command[0..<Math.min(command.size(), 8)].join(' ')}... did not finish in ${TIMEOUT_S}s")
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("${command.join(' ')} failed (exit ${p.exitValue()}): ${log.text.readLines().takeRight(5).join(' | ')}")
        }
    }

    private static int freePort() {
        new ServerSocket(0, 1, InetAddress.getByName('127.0.0.1')).withCloseable { it.localPort }
    }

    private static void quietly(Closure<?> c) {
        try {
            c.call()
        } catch (Throwable ignored) {
            // best effort at teardown
        }
    }
}
