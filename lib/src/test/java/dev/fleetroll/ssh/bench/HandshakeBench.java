package dev.fleetroll.ssh.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.ssh.ExecResult;
import dev.fleetroll.ssh.FanOut;
import dev.fleetroll.ssh.KnownHostsVerifier;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.ssh.RemoteCommand;
import dev.fleetroll.ssh.SshAuth;
import dev.fleetroll.ssh.SshConfigResolver;
import dev.fleetroll.ssh.SshjCrypto;
import dev.fleetroll.ssh.SshjExecutor;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Client CPU per handshake, measured against real local sshd processes (not part of the test suite).
 *
 * <pre>
 * java -cp lib/target/classes:lib/target/test-classes:DEPS dev.fleetroll.ssh.bench.HandshakeBench [hosts] [sshds] [fanout] [handshakes]
 * </pre>
 *
 * Prints: JVM start-up CPU, the cold round (new connection per host: TCP, curve25519 kex, ed25519 host key,
 * publickey auth, one {@code echo} channel) as wall time and process CPU, the warm round over the pooled connections,
 * and the same cold round done by OpenSSH's {@code ssh} (curve25519, 64 at a time) for comparison.
 */
public final class HandshakeBench {
    private HandshakeBench() {}

    static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        long startCpu = cpuNanos();
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int sshds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int fanout = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int handshakes = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        Path dir = Files.createTempDirectory("fleetroll-bench");
        List<Process> procs = new ArrayList<>();
        try {
            Files.createDirectories(Path.of("/run/sshd"));
            run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("id").toString()));
            Files.copy(dir.resolve("id.pub"), dir.resolve("authorized_keys"));
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < sshds; i++) {
                Path hk = dir.resolve("hk" + i);
                run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hk.toString()));
                int port;
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                    port = s.getLocalPort();
                }
                Path cfg = dir.resolve("sshd" + i);
                Files.writeString(cfg, "ListenAddress 127.0.0.1:" + port + "\nHostKey " + hk + "\nPidFile none\nStrictModes no\n"
                        + "UsePAM no\nPermitRootLogin prohibit-password\nAuthorizedKeysFile " + dir.resolve("authorized_keys")
                        + "\nMaxStartups 1000\nLogLevel ERROR\n");
                procs.add(new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", cfg.toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("sshd" + i + ".log").toFile()).start());
                ports.add(port);
            }
            for (int p : ports) {
                waitFor(p);
            }
            StringBuilder conf = new StringBuilder();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < hosts; i++) {
                names.add("h" + i);
                conf.append("Host h").append(i).append("\n  Port ").append(ports.get(i % sshds)).append('\n');
            }
            conf.append("Host *\n  HostName 127.0.0.1\n  User root\n  IdentityFile ").append(dir.resolve("id"))
                    .append("\n  UserKnownHostsFile ").append(dir.resolve("known_hosts"))
                    .append("\n  KexAlgorithms curve25519-sha256\n  StrictHostKeyChecking accept-new\n  BatchMode yes\n");
            Path sshConfig = dir.resolve("ssh_config");
            Files.writeString(sshConfig, conf.toString());

            long c0 = cpuNanos();
            long w0 = System.nanoTime();
            SshConfigResolver resolver = SshConfigResolver.load(List.of(sshConfig), dir, "root");
            SshAuth auth = new SshAuth(null, dir, SshjCrypto.keyFileFactories());
            SshjExecutor.Settings settings = SshjExecutor.Settings.builder()
                    .handshakeConcurrency(handshakes)
                    .connectTimeout(Duration.ofSeconds(30))
                    .commandTimeout(Duration.ofSeconds(60))
                    .connectRetries(2)
                    .retryBackoff(Duration.ofMillis(200))
                    .idleClose(Duration.ofMinutes(10))
                    .spillDir(dir.resolve("spill"))
                    .build();
            try (SshjExecutor ex = new SshjExecutor(resolver, new KnownHostsVerifier(), auth, settings)) {
                FanOut fo = new FanOut(fanout);
                List<ExecResult> cold = fo.exec(ex, names, RemoteCommand.of("echo ok"), null, Cancellation.none(), null);
                long c1 = cpuNanos();
                long w1 = System.nanoTime();
                List<ExecResult> warm = fo.exec(ex, names, RemoteCommand.of("echo ok"), null, Cancellation.none(), null);
                long c2 = cpuNanos();
                long w2 = System.nanoTime();
                long okCold = cold.stream().filter(r -> r.outcome() == Outcome.OK).count();
                long okWarm = warm.stream().filter(r -> r.outcome() == Outcome.OK).count();
                cold.stream().filter(r -> !r.ok()).limit(3).forEach(r -> System.out.println("  failed: " + r.host() + " " + r.outcome() + " " + r.error()));
                System.out.printf("JVM start-up until main: %.0f ms CPU%n", startCpu / 1e6);
                System.out.printf("fleetroll cold: %d/%d ok, wall %.2f s, client CPU %.2f s (%.1f ms per host, incl. class loading and JIT), connections %d%n",
                        okCold, hosts, (w1 - w0) / 1e9, (c1 - c0) / 1e9, (c1 - c0) / 1e6 / hosts, ex.connectionsOpened());
                System.out.printf("fleetroll warm: %d/%d ok, wall %.2f s (%.2fx cold), client CPU %.2f s%n",
                        okWarm, hosts, (w2 - w1) / 1e9, (double) (w2 - w1) / (w1 - w0), (c2 - c1) / 1e9);
            }
            // OpenSSH for comparison: same hosts, same kex, 'fanout' at a time.
            String script = "cut -c1- | xargs -P " + fanout + " -I{} ssh -F " + sshConfig + " {} echo ok >/dev/null; times";
            Files.writeString(dir.resolve("known_hosts"), "");
            long w3 = System.nanoTime();
            Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
            p.getOutputStream().write(String.join("\n", names).concat("\n").getBytes());
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            long w4 = System.nanoTime();
            String[] lines = out.strip().split("\n");
            System.out.printf("openssh cold: wall %.2f s, client CPU (user sys) %s%n", (w4 - w3) / 1e9, lines[lines.length - 1]);
        } finally {
            for (Process p : procs) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                p.waitFor(3, TimeUnit.SECONDS);
            }
        }
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed");
        }
    }

    private static void waitFor(int port) throws Exception {
        for (int i = 0; i < 500; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (Exception e) {
                Thread.sleep(10);
            }
        }
        throw new IllegalStateException("sshd on " + port + " did not start");
    }

    @SuppressWarnings("unused")
    private static Map<String, String> env() {
        return System.getenv();
    }
}
