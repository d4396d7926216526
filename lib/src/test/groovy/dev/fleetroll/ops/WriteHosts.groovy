package dev.fleetroll.ops

import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.ssh.SshdFixture

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.util.concurrent.TimeUnit

/**
 * Hosts for write specs before the sandbox: one real sshd per host on 127.0.0.1, each in its own mount namespace
 * where {@link #target} (an empty directory outside) is a bind mount of the host's own directory
 * ({@link #hostDir}). The same target path therefore holds a different file on every host, as
 * {@code /etc/puppet/ronin_settings} does on real ones, and a spec can still look at each host's files from outside.
 * Logins are root. Each host runs the sandbox's gate script over {@code cat} and {@code sync}, which a spec can arm
 * to hold the host at an exact point of a write ({@link #hold}). Nothing outside the temp dir is touched; {@link #close()} stops every process.
 */
class WriteHosts implements Closeable {
    final Path dir
    final SshdFixture fx
    final Path target
    final Path sshConfig
    final Map<String, SshdFixture.Server> servers = [:]
    final List<String> names

    /** Whether specs can run here: Linux, root, unshare and an OpenSSH server. */
    static boolean supported() {
        System.getProperty('os.name') == 'Linux' && ['id', '-u'].execute().text.trim() == '0'
                && Files.isExecutable(Path.of('/usr/sbin/sshd')) && Files.isExecutable(Path.of('/usr/bin/unshare'))
    }

    WriteHosts(Path dir, List<String> names) {
        this.dir = dir
        this.names = names
        fx = new SshdFixture(dir)
        target = Files.createDirectories(dir.resolve('target'))
        try {
            Path real = Files.createDirectories(dir.resolve('real'))
            GATED.each { prog -> Files.copy(Path.of("/usr/bin/${prog}"), real.resolve(prog), StandardCopyOption.COPY_ATTRIBUTES) }
            String gateScript = WriteHosts.getResourceAsStream('/dev/fleetroll/sandbox/gate.sh').getText('UTF-8')
            for (String n : names) {
                Path h = Files.createDirectories(dir.resolve('hosts').resolve(n))
                Path gates = Files.createDirectories(dir.resolve('gates').resolve(n))
                // the sandbox's gate, with this host's gate directory in place of /run/gate
                Path gate = gates.resolve('gate.sh')
                gate.text = gateScript.replace('/run/gate', gates.toString())
                gate.toFile().setExecutable(true, false)
                GATED.each { prog -> Files.createSymbolicLink(gates.resolve("real-${prog}"), real.resolve(prog)) }
                // inside the host's mount namespace: its own target directory, and the gate over the gated programs
                String mounts = 'mount --bind "$1" "$2" && shift 2' + GATED.collect { prog ->
                    " && mount --bind ${gate} /usr/bin/${prog}"
                }.join('') + ' && exec "$@"'
                servers[n] = fx.start(prefix: ['/usr/bin/unshare', '--mount', '--propagation', 'private', '--',
                        '/bin/sh', '-c', mounts, 'sh', h.toString(), target.toString()])
            }
            int refused = SshdFixture.freePort()
            StringBuilder cfg = new StringBuilder()
            servers.each { n, s -> cfg << "Host ${n}\n  Port ${s.port}\n" }
            cfg << """Host down1
  Port ${refused}
Host *
  HostName 127.0.0.1
  User root
  IdentityFile @KEY@
  IdentitiesOnly yes
  UserKnownHostsFile @DIR@/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking accept-new
  BatchMode yes
  ConnectTimeout 20
"""
            sshConfig = fx.sshConfig('ssh_config', cfg.toString())
        } catch (Throwable t) {
            fx.close()
            throw t
        }
    }

    /** The programs a spec can hold on a host ({@link #hold}): the sandbox's gate.sh runs in front of each. */
    static final List<String> GATED = ['cat', 'sync']

    /**
     * Arms a gate on {@code host}: its next {@code cat} without arguments passes {@code bytes} of its input and holds
     * ({@code prog == 'cat'}), or its next {@code sync} holds before syncing ({@code prog == 'sync'}); the held program
     * waits for {@link #release}. The host's work stops there whatever the machine's load: specs cut a write at an exact
     * point instead of racing it.
     */
    void hold(String host, String prog, long bytes = 0) {
        assert prog in GATED
        Path g = dir.resolve('gates').resolve(host)
        ['.taken', '.release', '.held'].each { Files.deleteIfExists(g.resolve(prog + it)) }
        Files.writeString(g.resolve(prog), "${bytes}\n")
    }

    /** Whether the gated program on {@code host} is holding now. */
    boolean held(String host, String prog) {
        Files.exists(dir.resolve('gates').resolve(host).resolve(prog + '.held'))
    }

    /** Lets the held program go on (or disarms a gate nothing took). */
    void release(String host, String prog) {
        Path g = dir.resolve('gates').resolve(host)
        Files.deleteIfExists(g.resolve(prog))
        Files.writeString(g.resolve(prog + '.release'), '')
    }

    /** The host's own directory, seen from outside (inside the host it is {@link #target}). */
    Path hostDir(String host) {
        dir.resolve('hosts').resolve(host)
    }

    /** A path under the target directory, as the hosts see it. */
    String path(String name) {
        target.resolve(name).toString()
    }

    /**
     * A workspace with its own FLEETROLL_HOME (optional {@code config.yaml} text) and an empty HOME, so no operator
     * file (~/.ssh) is ever read.
     */
    Workspace workspace(String name, String config = null) {
        Path home = Files.createDirectories(dir.resolve("fleetroll-${name}"))
        Path userHome = Files.createDirectories(dir.resolve("user-${name}"))
        if (config != null) {
            home.resolve('config.yaml').text = config
        }
        Workspace.of(new FleetrollHome(home), null, [HOME: userHome.toString(), USER: 'root'])
    }

    DefaultFleet fleet(Workspace ws) {
        DefaultFleet.open(ws, new DefaultFleet.Options(sshConfig, null, false))
    }

    /** Runs {@code command} on {@code host} with the plain OpenSSH client and the same config: the independent view. */
    Map ssh(String host, String command) {
        def pb = new ProcessBuilder('ssh', '-F', sshConfig.toString(), host, command)
        pb.environment().remove('SSH_AUTH_SOCK')
        def p = pb.start()
        p.outputStream.close()
        def err = new ByteArrayOutputStream()
        def t = Thread.start { err << p.errorStream }
        String out = p.inputStream.getText('UTF-8')
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly()
            throw new IllegalStateException("ssh ${host} '${command}' did not finish")
        }
        t.join()
        [rc: p.exitValue(), out: out, err: err.toString('UTF-8')]
    }

    /** Output of a command that must succeed on the host. */
    String run(String host, String command) {
        def r = ssh(host, command)
        if (r.rc != 0) {
            throw new IllegalStateException("ssh ${host} '${command}' exited ${r.rc}: ${r.err}")
        }
        r.out
    }

    /** The sshd processes serving connections of {@code host} (not the listener, not the shells they run). */
    /**
     * Cuts a host's sshd sessions mid-transfer: SIGSTOP first (the transfer stops where it is, whatever the
     * machine's load), then SIGKILL. For this class's hosts and the sandbox's alike.
     */
    static void freezeThenKill(List<ProcessHandle> processes) {
        if (!processes.isEmpty()) {
            new ProcessBuilder(['kill', '-STOP'] + processes*.pid()*.toString()).start().waitFor()
        }
        processes.each { it.destroyForcibly() }
    }

    List<ProcessHandle> sessions(String host) {
        servers[host].process.descendants().filter { ph ->
            ph.info().command().map { it.endsWith('/sshd') }.orElse(false)
        }.toList()
    }

    /** TCP connections the host's sshd accepted so far. */
    int accepted(String host) {
        servers[host].accepted()
    }

    @Override
    void close() {
        fx.close()
    }
}
