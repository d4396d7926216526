package dev.fleetroll.monitor.bench;

import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.state.BranchHead;
import dev.fleetroll.state.FileFacts;
import dev.fleetroll.state.Observation;
import dev.fleetroll.state.OverrideSettings;
import dev.fleetroll.state.PuppetRun;
import dev.fleetroll.state.TaskclusterState;
import dev.fleetroll.store.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The store for {@code bench/monitor.sh} (not part of the suite).
 *
 * <pre>
 * make HOME N     N hosts: 3 audits each (1 in 50 unreachable at the last), a Taskcluster record each, 3 branch heads
 * touch HOME K    K times, 1.5 s apart: store a new audit of one host; print the epoch ms after each commit
 * </pre>
 */
public final class MonitorBenchFleet {
    private static final String[] ROLES = {"gecko_t_linux_talos", "gecko_t_linux_2404_talos", "gecko_t_linux_netperf",
        "gecko_t_osx_1400_r8", "gecko_t_osx_1500_m4"};
    private static final String[] BRANCHES = {"master", "resolverd-fix", "netperf-tuning"};

    private MonitorBenchFleet() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[1]);
        int n = Integer.parseInt(args[2]);
        try (SqliteStore store = SqliteStore.open(new FleetrollHome(home), new FleetrollConfig.Store(10))) {
            if (args[0].equals("make")) {
                make(store, n);
            } else {
                touch(store, n);
            }
        }
    }

    static String host(int i) {
        return String.format("t-linux64-ms-%04d.test.releng.mdc1.mozilla.com", i);
    }

    private static void make(SqliteStore store, int n) {
        Instant now = Instant.now();
        for (int round = 2; round >= 0; round--) {
            List<Observation> batch = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                Instant ts = now.minus(Duration.ofMinutes(30L * round + i % 7));
                batch.add(round == 0 && i % 50 == 0
                        ? Observation.failed(host(i), ts, Outcome.UNREACHABLE, "connect timed out", null, 10_000L)
                        : ok(host(i), ts, i, 0));
            }
            store.saveAll(batch);
        }
        Map<String, TaskclusterState> tc = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
            String pool = "releng-hardware/" + ROLES[i % ROLES.length].replace('_', '-');
            tc.put(host(i), new TaskclusterState(now, pool, i % 40 != 0, "mdc1", "t-linux64-ms-" + i, "running",
                    now.minus(Duration.ofDays(20)), now.minus(Duration.ofMinutes(i % 90)),
                    i % 97 == 0 ? now.plus(Duration.ofDays(1)) : null, i % 97 == 0 ? "bad disk" : null,
                    "TASK" + i, 0, i % 9 == 0 ? "failed" : "completed", now.minus(Duration.ofMinutes(40)),
                    now.minus(Duration.ofMinutes(10)), null));
        }
        store.saveTaskcluster(tc);
        List<BranchHead> heads = new ArrayList<>();
        for (String b : BRANCHES) {
            heads.add(new BranchHead("mozilla-platform-ops/ronin_puppet:" + b, sha(b.hashCode()), now, null));
        }
        store.saveBranchHeads(heads);
        System.out.println("made " + n + " hosts");
    }

    private static void touch(SqliteStore store, int times) throws InterruptedException {
        for (int k = 1; k <= times; k++) {
            Thread.sleep(1500);
            store.save(ok(host(k), Instant.now(), k, k));
            System.out.println(System.currentTimeMillis());
        }
    }

    private static Observation ok(String host, Instant ts, int i, int salt) {
        String branch = BRANCHES[i % BRANCHES.length];
        boolean override = i % 3 != 0;
        String ovrSha = sha(31 * i % 17 + salt);
        FileFacts ovr = override ? new FileFacts("/etc/puppet/ronin_settings", "644", "root", "root", 120L, ts, ovrSha) : null;
        OverrideSettings settings = override
                ? new OverrideSettings("https://github.com/mozilla-platform-ops/ronin_puppet.git", branch, "ops@example.com",
                        i % 61 == 0 ? "gecko-t-linux-talos-test" : null)
                : null;
        String vaultSha = sha(i % 5);
        FileFacts vault = new FileFacts("/root/vault.yaml", "600", "root", "root", 10L, ts, vaultSha);
        Instant puppetAt = ts.minus(Duration.ofMinutes(5 + i % 400));
        PuppetRun run = new PuppetRun("metadata", 1, puppetAt, 42.0, i % 23 != 0, i % 23 != 0 ? 0 : 6, ROLES[i % ROLES.length],
                "https://github.com/mozilla-platform-ops/ronin_puppet.git", branch, sha(branch.hashCode()).substring(0, 40),
                false, "/root/vault.yaml", vaultSha, "/etc/puppet/ronin_settings", override ? ovrSha : null);
        return new Observation(host, ts, Outcome.OK, null, 0, 900L, i % 4 == 0 ? "Darwin" : "Linux", host.split("\\.")[0],
                3600L * (1 + i % 200), ROLES[i % ROLES.length], ovr, settings, vault, run, true, List.of());
    }

    private static String sha(int seed) {
        StringBuilder b = new StringBuilder();
        long x = seed * 2654435761L + 12345;
        while (b.length() < 64) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            b.append(String.format("%016x", x));
        }
        return b.substring(0, 64);
    }
}
