package dev.fleetroll.ssh

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * Real OpenSSH servers for integration specs: {@code /usr/sbin/sshd -D -e -f <generated config>} on 127.0.0.1 with
 * free ports, host keys and authorized_keys made with ssh-keygen in a temp dir, plus a tarpit (accepts TCP, never
 * speaks SSH) and a real ssh-agent. {@link #close()} stops everything it started.
 */
class SshdFixture implements Closeable {
    final Path dir
    final Path clientKey
    final Path otherKey
    private final List<Process> processes = []
    private final List<Closeable> closeables = []
    final List<Server> servers = []

    /**
     * Every server runs in a mount namespace of its own with an empty /root, as a freshly installed host has: the
     * login shell sshd starts for each command (bash) otherwise sources this machine's /root/.bashrc, which on
     * developer and CI images runs tools such as {@code pyenv init} (~0.9 s per command, and minutes when 30
     * commands contend for pyenv's rehash lock): the specs would measure the machine's dotfiles, not fleetroll.
     */
    static final List<String> FRESH_ROOT_HOME = ['/usr/bin/unshare', '--mount', '--propagation', 'private', '--',
            '/bin/sh', '-c', 'mount -t tmpfs -o mode=0700 fixture-root /root && exec "$@"', 'fresh-root']

    static class Server {
        int port
        Path config
        Path log
        Path hostKey
        Process process
        /** Command words run before sshd's (e.g. {@code unshare -m ...}); empty for a plain sshd. */
        List<String> prefix = []

        /** TCP connections sshd accepted (LogLevel VERBOSE logs one "Connection from" line each). */
        int accepted() {
            Files.exists(log) ? Files.readAllLines(log).count { it.contains('Connection from') } as int : 0
        }
    }

    SshdFixture(Path dir) {
        this.dir = dir
        if (!Files.isDirectory(Path.of('/run/sshd'))) {
            // sshd's privilege-separation directory; missing on a machine whose system sshd never ran
            Files.createDirectories(Path.of('/run/sshd'))
        }
        clientKey = keygen(dir.resolve('id_ed25519'), 'ed25519')
        otherKey = keygen(dir.resolve('id_other'), 'ed25519')
        Files.copy(dir.resolve('id_ed25519.pub'), dir.resolve('authorized_keys'))
    }

    static Path keygen(Path file, String type) {
        run(['ssh-keygen', '-q', '-t', type, '-N', '', '-C', file.fileName.toString(), '-f', file.toString()])
        file
    }

    static String run(List<String> cmd, Map<String, String> env = [:]) {
        def pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        pb.environment().putAll(env)
        def p = pb.start()
        p.outputStream.close()
        String out = p.inputStream.text
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("${cmd.join(' ')} failed: ${out}")
        }
        out
    }

    static int freePort() {
        new ServerSocket(0, 1, InetAddress.getByName('127.0.0.1')).withCloseable { it.localPort }
    }

    /**
     * Starts a new sshd with its own host key. {@code opts.prefix}: words to run sshd under (the sshd command line
     * is appended), e.g. a mount-namespace wrapper that gives the server its own view of some directory.
     */
    Server start(Map opts = [:]) {
        Server s = new Server()
        s.prefix = (opts.prefix ?: []) as List<String>
        int i = servers.size()
        s.hostKey = opts.hostKey ?: keygen(dir.resolve("host_${i}_${System.nanoTime()}"), 'ed25519')
        s.port = opts.port ?: freePort()
        s.log = dir.resolve("sshd_${i}.log")
        s.config = dir.resolve("sshd_${i}.conf")
        Files.writeString(s.config, """
ListenAddress 127.0.0.1:${s.port}
HostKey ${s.hostKey}
PidFile none
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
AuthorizedKeysFile ${dir.resolve('authorized_keys')}
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowTcpForwarding yes
MaxStartups 1000
LogLevel VERBOSE
""")
        launch(s)
        servers << s
        s
    }

    private void launch(Server s) {
        def pb = new ProcessBuilder(FRESH_ROOT_HOME + s.prefix + ['/usr/sbin/sshd', '-D', '-e', '-f', s.config.toString(), '-E', s.log.toString()])
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd_${s.port}.out").toFile())
        s.process = pb.start()
        processes << s.process
        waitForPort(s.port, s.process)
    }

    /** Stops the server (its port then refuses connections). */
    void stop(Server s) {
        // the per-connection sshd children too, or open sessions survive (as they do on a real host)
        s.process.descendants().forEach { it.destroy() }
        s.process.destroy()
        s.process.waitFor(5, TimeUnit.SECONDS)
        if (s.process.alive) {
            s.process.destroyForcibly().waitFor()
        }
    }

    /** Restarts the server on the same port, optionally with a new host key ("the host was reinstalled"). */
    void restart(Server s, boolean newHostKey) {
        stop(s)
        if (newHostKey) {
            Path k = keygen(dir.resolve("host_new_${s.port}_${System.nanoTime()}"), 'ed25519')
            Files.writeString(s.config, Files.readString(s.config).replace(s.hostKey.toString(), k.toString()))
            s.hostKey = k
        }
        launch(s)
    }

    private static void waitForPort(int port, Process p) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
        while (System.nanoTime() < end) {
            try {
                new Socket('127.0.0.1', port).close()
                return
            } catch (IOException ignored) {
                if (!p.alive) {
                    throw new IllegalStateException("sshd exited with ${p.exitValue()}")
                }
                Thread.sleep(20)
            }
        }
        throw new IllegalStateException("sshd did not listen on ${port}")
    }

    /** A port that accepts TCP connections and never sends a byte. */
    int tarpit() {
        def ss = new ServerSocket(0, 50, InetAddress.getByName('127.0.0.1'))
        List<Socket> held = Collections.synchronizedList([])
        Thread.startVirtualThread {
            try {
                while (!ss.closed) {
                    held << ss.accept()
                }
            } catch (IOException ignored) {
            }
        }
        closeables << ({ held.each { it.close() }; ss.close() } as Closeable)
        ss.localPort
    }

    /**
     * Starts a real ssh-agent on a socket in the temp dir and loads {@code keys} with ssh-add (with {@code confirm},
     * as keys that need confirming at each use); returns the socket.
     */
    Path agent(List<Path> keys, boolean confirm = false) {
        Path sock = dir.resolve("agent.${System.nanoTime()}.sock")
        def p = new ProcessBuilder('ssh-agent', '-D', '-a', sock.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve('agent.out').toFile()).start()
        processes << p
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5)
        while (!Files.exists(sock) && System.nanoTime() < end) {
            Thread.sleep(10)
        }
        // -c: every use must be confirmed through ssh-askpass, which a test has none of, so the agent refuses to sign
        keys.each { run(['ssh-add'] + (confirm ? ['-c'] : []) + [it.toString()], [SSH_AUTH_SOCK: sock.toString()]) }
        sock
    }

    /** An ssh_config file; {@code body} may use @DIR@ and @KEY@. */
    Path sshConfig(String name, String body) {
        Path f = dir.resolve(name)
        Files.writeString(f, body.replace('@DIR@', dir.toString()).replace('@KEY@', clientKey.toString()))
        f
    }

    @Override
    void close() {
        closeables.each { try { it.close() } catch (IOException ignored) { } }
        processes.each { p ->
            p.descendants().forEach { it.destroy() }
            p.destroy()
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(3, TimeUnit.SECONDS)
            }
        }
    }
}
