package dev.fleetroll.ssh;

import dev.fleetroll.UserError;
import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.config.Workspace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The SSH engine of one process, wired from configuration: the ssh config resolver, the shared known_hosts verifier,
 * authentication (agent and identity files), the pooled executor and the fan-out. This is what the rest of fleetroll
 * opens and keeps for the life of a console session or a script run.
 *
 * <pre>{@code
 * try (SshEngine ssh = SshEngine.open(workspace)) {
 *     List<ExecResult> r = ssh.execAll(hosts, RemoteCommand.of("uname -s"), listener, cancellation);
 * }
 * }</pre>
 */
public final class SshEngine implements AutoCloseable {
    private final SshjExecutor executor;
    private final FleetrollConfig.Ssh settings;
    private final FanOut fanOut;

    private SshEngine(SshjExecutor executor, FleetrollConfig.Ssh settings, int fanout) {
        this.executor = executor;
        this.settings = settings;
        this.fanOut = new FanOut(fanout);
    }

    /** Opens the engine with the workspace's configuration and environment ({@code HOME}, {@code USER}, {@code SSH_AUTH_SOCK}). */
    public static SshEngine open(Workspace ws) {
        return open(ws, null, null);
    }

    /**
     * Opens the engine; {@code sshConfigOverride} is {@code -F FILE} (null = {@code ssh.config_file}), {@code fanout}
     * is {@code --fanout} (null = {@code ssh.fanout}).
     */
    public static SshEngine open(Workspace ws, Path sshConfigOverride, Integer fanout) {
        return open(ws, sshConfigOverride, fanout, true);
    }

    /**
     * Opens the engine; {@code keepConnections} false is for a one-shot batch (a single {@code gather-host}
     * round, cron): each host's connection is closed when its task is done, so memory does not grow with the fleet.
     */
    public static SshEngine open(Workspace ws, Path sshConfigOverride, Integer fanout, boolean keepConnections) {
        FleetrollConfig.Ssh s = ws.config().ssh();
        Map<String, String> env = ws.env();
        Path home = home(ws);
        SshConfigResolver resolver = resolver(ws, sshConfigOverride);
        String sock = env.get("SSH_AUTH_SOCK");
        SshAuth auth = new SshAuth(sock == null || sock.isBlank() ? null : Path.of(sock), home, SshjCrypto.keyFileFactories());
        KnownHostsVerifier verifier = new KnownHostsVerifier();
        try {
            KnownHostsVerifier.Policy.parse(s.strictHostKeyChecking()); // reject a bad value before any connection
        } catch (IllegalArgumentException e) {
            throw new UserError("ssh.strict_host_key_checking: " + e.getMessage() + " (fix it in the fleetroll config)");
        }
        SshjExecutor.Settings settings = SshjExecutor.Settings.builder()
                .handshakeConcurrency(s.handshakeConcurrency())
                .connectTimeout(s.connectTimeout())
                .commandTimeout(s.commandTimeout())
                .connectRetries(s.connectRetries())
                .retryBackoff(s.retryBackoff())
                .strictHostKeyChecking(s.strictHostKeyChecking())
                .keepaliveInterval(s.keepaliveInterval())
                .idleClose(s.idleClose())
                .outputCapBytes(s.outputCapBytes())
                .spillDir(ws.home().logs().resolve("output"))
                .closeWhenDone(!keepConnections)
                .build();
        SshjExecutor executor = new SshjExecutor(resolver, verifier, auth, settings);
        return new SshEngine(executor, s, fanout != null ? fanout : s.fanout());
    }

    /** The resolver the engine uses for {@code ws}: HOME and USER (else LOGNAME) from the workspace's environment. */
    public static SshConfigResolver resolver(Workspace ws, Path sshConfigOverride) {
        Map<String, String> env = ws.env();
        String user = env.getOrDefault("USER", env.getOrDefault("LOGNAME", System.getProperty("user.name")));
        return resolver(ws, sshConfigOverride, home(ws), user);
    }

    private static Path home(Workspace ws) {
        return Path.of(ws.env().getOrDefault("HOME", System.getProperty("user.home")));
    }

    /**
     * The resolver for {@code ssh.config_file} (or {@code -F FILE}). With the default {@code ~/.ssh/config},
     * {@code /etc/ssh/ssh_config} is read after it, as ssh does; {@code -F} reads only the given file.
     */
    public static SshConfigResolver resolver(Workspace ws, Path sshConfigOverride, Path home, String user) {
        List<Path> files = new ArrayList<>();
        if (sshConfigOverride != null) {
            files.add(sshConfigOverride);
        } else {
            String configured = ws.config().ssh().configFile();
            String c = configured == null || configured.isBlank() ? "~/.ssh/config" : configured;
            files.add(c.equals("~") || c.startsWith("~/") ? Path.of(home + c.substring(1)) : Path.of(c));
            if (c.equals("~/.ssh/config")) {
                files.add(Path.of("/etc/ssh/ssh_config"));
            }
        }
        return SshConfigResolver.load(files, home, user);
    }

    public RemoteExecutor executor() {
        return executor;
    }

    /** Runs {@code command} on every host with the configured fan-out and batch deadline. */
    public List<ExecResult> execAll(List<String> hosts, RemoteCommand command, BatchListener listener,
                                    Cancellation cancellation) {
        return fanOut.exec(executor, hosts, command, listener, cancellation, settings.batchDeadline());
    }

    /** Runs any per-host task over the hosts with the configured fan-out and batch deadline. */
    public <T> List<T> run(List<String> hosts, FanOut.HostTask<T> task, FanOut.Results<T> results,
                           BatchListener listener, Cancellation cancellation) {
        return fanOut.run(hosts, task, results, listener, cancellation, settings.batchDeadline());
    }

    /** Connections opened so far (for diagnostics and benchmarks). */
    public long connectionsOpened() {
        return executor.connectionsOpened();
    }

    @Override
    public void close() {
        executor.close();
    }
}
