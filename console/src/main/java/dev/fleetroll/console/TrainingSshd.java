package dev.fleetroll.console;

import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.console.render.HostTable;
import dev.fleetroll.console.monitor.MonitorJson;
import dev.fleetroll.monitor.FleetFeed;
import dev.fleetroll.monitor.MonitorView;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.state.Columns;
import dev.fleetroll.state.Query;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The SSH part of the launcher's AOT training: a throw-away OpenSSH server on 127.0.0.1 (this user's, temporary keys,
 * nothing else accepted) audited twice by 32 "hosts", so the cache holds the handshake, auth, channel, parser and
 * store classes with their profiles. Skipped quietly when there is no sshd or it does not start.
 */
final class TrainingSshd {
    private static final List<String> SSHD = List.of("/usr/sbin/sshd", "/usr/bin/sshd", "/usr/local/sbin/sshd");

    private TrainingSshd() {}

    static void audit(Path dir) {
        String sshd = SSHD.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        if (sshd == null) {
            return;
        }
        Process server = null;
        try {
            Files.createDirectories(dir);
            keygen(dir.resolve("host_key"));
            keygen(dir.resolve("client_key"));
            Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                    "ListenAddress 127.0.0.1:" + port,
                    "HostKey " + dir.resolve("host_key"),
                    "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                    "PidFile none", "StrictModes no", "UsePAM no", "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password", "MaxStartups 100",
                    "PrintMotd no", "UseDNS no", "LogLevel QUIET", ""));
            server = new ProcessBuilder(sshd, "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            if (!listening(port, server)) {
                return;
            }
            String user = System.getProperty("user.name");
            StringBuilder config = new StringBuilder("Host train-*\n  HostName 127.0.0.1\n  Port " + port + "\n  User " + user
                    + "\n  IdentityFile " + dir.resolve("client_key") + "\n  IdentitiesOnly yes\n  UserKnownHostsFile "
                    + dir.resolve("known_hosts") + "\n  StrictHostKeyChecking accept-new\n");
            Files.writeString(dir.resolve("ssh_config"), config.toString());
            Path home = Files.createDirectories(dir.resolve("home"));
            Files.createDirectories(home.resolve("config.d"));
            Files.writeString(home.resolve("config.d/50-training.yaml"),
                    "ssh: {config_file: '" + dir.resolve("ssh_config") + "', connect_retries: 0}\n");
            Workspace ws = Workspace.of(new FleetrollHome(home), null,
                    Map.of(FleetrollHome.ENV, home.toString(), "HOME", home.toString(), "USER", user));
            List<String> hosts = new ArrayList<>();
            for (int i = 1; i <= 32; i++) {
                hosts.add("train-" + i);
            }
            try (DefaultFleet fleet = DefaultFleet.open(ws)) {
                fleet.audit(hosts, BatchListener.NONE, Cancellation.none());
                fleet.audit(hosts, BatchListener.NONE, Cancellation.none());
                monitor(fleet);
            }
        } catch (Exception | LinkageError e) {
            // training is an optimisation: a failure here only means a less complete cache
        } finally {
            if (server != null) {
                server.destroy();
                try {
                    server.waitFor(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                server.destroyForcibly();
            }
        }
    }

    /** What {@code host-monitor --once} and {@code --json} do with the stored audits: read, filter, sort, render. */
    private static void monitor(DefaultFleet fleet) {
        Instant now = Instant.now();
        FleetFeed feed = fleet.watch(null);
        MonitorView view = MonitorView.of(feed.states(now),
                Query.parse("(role~x or pp_last>1h) and not note~y sort:role:desc", Columns.standard()), "host", now);
        HostTable.render(view.rows(), Columns.standard().displayedFor(view.rows()), true, Integer.MAX_VALUE);
        MonitorJson.render(view, Columns.standard().displayed(), "", "host");
        feed.poll();
    }

    private static void keygen(Path key) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ssh-keygen failed");
        }
    }

    private static boolean listening(int port, Process server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < deadline && server.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        return false;
    }
}
