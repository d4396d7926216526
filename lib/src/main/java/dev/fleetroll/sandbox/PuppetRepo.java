package dev.fleetroll.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's stand-in for {@code https://github.com/mozilla-platform-ops/ronin_puppet.git}: a local bare
 * repository with {@code master} and two feature branches, {@code resolverd-fix} and {@code netperf-tuning}, each
 * one commit that changes files (so every branch has its own sha). Hosts reach it under its GitHub URL through a
 * {@code url.<path>.insteadOf} entry in {@link #gitConfig()}, which is also the URL-to-repository map a GitHub
 * stand-in can serve refs from.
 */
public final class PuppetRepo {
    private static final String AUTHOR = "fleetroll sandbox <sandbox@fleetroll.invalid>";
    /** Fixed commit times: the branches get the same shas in every sandbox. */
    private static final long EPOCH = 1_767_225_600L; // 2026-01-01T00:00:00Z

    private final Path dir;

    PuppetRepo(Path puppetDir) {
        this.dir = puppetDir;
    }

    /** The bare repository. */
    public Path path() {
        return dir.resolve("ronin_puppet.git");
    }

    /** The git config hosts use ({@code GIT_CONFIG_GLOBAL}): maps the GitHub URL to {@link #path()}. */
    public Path gitConfig() {
        return dir.resolve("gitconfig");
    }

    public String url() {
        return FleetPlan.REPO_URL;
    }

    static PuppetRepo create(Path puppetDir) {
        PuppetRepo repo = new PuppetRepo(puppetDir);
        try {
            Files.createDirectories(puppetDir);
            Files.writeString(repo.gitConfig(), "# fleetroll sandbox: GitHub URLs the hosts fetch, mapped to local bare repositories\n"
                    + "[url \"" + repo.path() + "\"]\n"
                    + "\tinsteadOf = " + FleetPlan.REPO_URL + "\n"
                    + "[advice]\n\tdetachedHead = false\n"
                    + "[core]\n\tlogAllRefUpdates = false\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        repo.git(null, "init", "-q", "--bare", "-b", FleetPlan.BRANCH_MASTER, repo.path().toString());
        StringBuilder s = new StringBuilder();
        commit(s, FleetPlan.BRANCH_MASTER, 1, null, EPOCH, "Base roles and profiles", Map.of(
                "README.md", "# ronin_puppet (fleetroll sandbox stand-in)\n\nThe motd file is what a sandbox run \"applies\".\n",
                "manifests/site.pp", "node default {\n  include \"roles_profiles::roles::${facts['puppet_role']}\"\n}\n",
                "modules/motd/files/motd", "ronin_puppet master\n"));
        commit(s, FleetPlan.BRANCH_RESOLVERD, 2, ":1", EPOCH + 3600, "linux: stop systemd-resolved flapping", Map.of(
                "modules/linux_resolved/files/resolved.conf", "[Resolve]\nDNSStubListener=no\nCache=no-negative\n",
                "modules/motd/files/motd", "ronin_puppet resolverd-fix\n"));
        commit(s, FleetPlan.BRANCH_NETPERF, 3, ":1", EPOCH + 7200, "netperf: larger socket buffers", Map.of(
                "modules/netperf/files/sysctl.conf", "net.core.rmem_max = 16777216\nnet.core.wmem_max = 16777216\n",
                "modules/motd/files/motd", "ronin_puppet netperf-tuning\n"));
        repo.git(s.toString().getBytes(StandardCharsets.UTF_8), "--git-dir=" + repo.path(), "fast-import", "--quiet");
        return repo;
    }

    /** Branch name to head sha. */
    public Map<String, String> heads() {
        String out = git(null, "--git-dir=" + path(), "for-each-ref", "--format=%(refname:short) %(objectname)",
                "refs/heads").stdout();
        Map<String, String> heads = new LinkedHashMap<>();
        out.lines().map(l -> l.split(" ")).filter(f -> f.length == 2).forEach(f -> heads.put(f[0], f[1]));
        return heads;
    }

    public String head(String branch) {
        String sha = heads().get(branch);
        if (sha == null) {
            throw new IllegalArgumentException("the sandbox puppet repository has no branch '" + branch + "'");
        }
        return sha;
    }

    /**
     * Adds a commit to {@code branch} (created from master when missing) that writes {@code file}, e.g. to move a
     * branch head under a rollout. Returns the new head sha.
     */
    public synchronized String commit(String branch, String file, String content, String message) {
        String from = heads().containsKey(branch) ? "refs/heads/" + branch + "^0" : "refs/heads/" + FleetPlan.BRANCH_MASTER + "^0";
        StringBuilder s = new StringBuilder();
        commit(s, branch, 0, from, Instant.now().getEpochSecond(), message, Map.of(file, content));
        git(s.toString().getBytes(StandardCharsets.UTF_8), "--git-dir=" + path(), "fast-import", "--quiet");
        return head(branch);
    }

    private static void commit(StringBuilder s, String branch, int mark, String from, long when, String message,
                               Map<String, String> files) {
        s.append("commit refs/heads/").append(branch).append('\n');
        if (mark > 0) {
            s.append("mark :").append(mark).append('\n');
        }
        s.append("author ").append(AUTHOR).append(' ').append(when).append(" +0000\n");
        s.append("committer ").append(AUTHOR).append(' ').append(when).append(" +0000\n");
        data(s, message + "\n");
        if (from != null) {
            s.append("from ").append(from).append('\n');
        }
        files.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            s.append("M 100644 inline ").append(e.getKey()).append('\n');
            data(s, e.getValue());
        });
        s.append('\n');
    }

    private static void data(StringBuilder s, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        s.append("data ").append(b.length).append('\n').append(text).append('\n');
    }

    private CommandResult git(byte[] stdin, String... args) {
        List<String> argv = new java.util.ArrayList<>();
        argv.add("git");
        argv.addAll(List.of(args));
        return Exec.check(argv, Map.of("GIT_CONFIG_GLOBAL", gitConfig().toString(), "GIT_CONFIG_NOSYSTEM", "1"), null, stdin);
    }
}
