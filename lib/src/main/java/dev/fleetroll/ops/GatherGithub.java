package dev.fleetroll.ops;

import dev.fleetroll.UserError;
import dev.fleetroll.github.GitHubClient;
import dev.fleetroll.github.RepoBranch;
import dev.fleetroll.state.BranchHead;
import dev.fleetroll.state.Observation;
import dev.fleetroll.state.OverrideSettings;
import dev.fleetroll.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code gather-gh}: the heads of the branches hosts should run, from GitHub, stored by {@code owner/repo:branch}.
 * The branches are those named by the overrides on audited hosts ({@code PUPPET_REPO}, {@code PUPPET_BRANCH}) plus
 * the configured default branch. Each repository is asked once (repositories concurrently, every page of its
 * branches); a repository whose wanted branches were all fetched within {@code refreshEvery} is skipped unless
 * forced. A repository that fails keeps its old heads and is reported; the others are stored.
 */
public final class GatherGithub {
    private final GitHubClient client;
    private final String defaultBranch;
    private final Duration refreshEvery;
    private final int concurrency;
    private final Clock clock;

    public GatherGithub(GitHubClient client, String defaultBranch, Duration refreshEvery, int concurrency, Clock clock) {
        this.client = client;
        this.defaultBranch = defaultBranch;
        this.refreshEvery = refreshEvery;
        this.concurrency = Math.max(1, concurrency);
        this.clock = clock;
    }

    /**
     * @param stored heads saved now (with a sha, or with the problem: no such branch)
     * @param fresh repositories skipped because they were fetched within the refresh interval
     * @param failed repositories that could not be read, with why (their stored heads were kept)
     * @param notGithub overrides naming repositories that are not on GitHub ({@code PUPPET_REPO} values)
     */
    public record Report(List<BranchHead> stored, List<String> fresh, Map<String, String> failed, List<String> notGithub,
                         Duration elapsed) {}

    /** The branches the store's hosts follow, by repository, plus the default branch. */
    Map<String, List<RepoBranch>> wanted(Store store, Set<String> notGithub) {
        Set<RepoBranch> all = new java.util.LinkedHashSet<>();
        all.add(defaultBranch());
        for (Observation o : store.latestOkByHost().values()) {
            OverrideSettings s = o.overrideSettings();
            if (o.override() == null || s == null || s.repo() == null || s.repo().isBlank()) {
                continue;
            }
            String branch = s.branch() == null || s.branch().isBlank() ? defaultBranch().branch() : s.branch();
            RepoBranch.of(s.repo(), branch).ifPresentOrElse(all::add, () -> notGithub.add(s.repo()));
        }
        Map<String, List<RepoBranch>> byRepo = new TreeMap<>();
        for (RepoBranch rb : all) {
            byRepo.computeIfAbsent(rb.owner() + "/" + rb.repo(), k -> new ArrayList<>()).add(rb);
        }
        return byRepo;
    }

    public Report run(Store store, boolean force) {
        long t0 = System.nanoTime();
        Set<String> notGithub = new TreeSet<>();
        Map<String, List<RepoBranch>> byRepo = wanted(store, notGithub);
        Map<String, BranchHead> known = store.branchHeads();
        Instant now = clock.instant();
        List<String> fresh = new ArrayList<>();
        List<RepoBranch> ask = new ArrayList<>();
        for (Map.Entry<String, List<RepoBranch>> e : byRepo.entrySet()) {
            boolean allFresh = e.getValue().stream().allMatch(rb -> {
                BranchHead h = known.get(rb.key());
                return h != null && h.problem() == null && Duration.between(h.fetchedAt(), now).compareTo(refreshEvery) < 0;
            });
            if (allFresh && !force) {
                fresh.add(e.getKey());
            } else {
                ask.addAll(e.getValue());
            }
        }
        Map<RepoBranch, GitHubClient.Result> results = ask.isEmpty() ? Map.of() : client.heads(ask, concurrency);
        Instant fetchedAt = clock.instant();
        List<BranchHead> stored = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (RepoBranch rb : ask) {
            GitHubClient.Result r = results.get(rb);
            if (r instanceof GitHubClient.Result.Found f) {
                stored.add(new BranchHead(rb.key(), f.head(), fetchedAt, null));
            } else if (r instanceof GitHubClient.Result.NoSuchBranch) {
                stored.add(new BranchHead(rb.key(), null, fetchedAt, "no such branch"));
            } else {
                failed.putIfAbsent(rb.owner() + "/" + rb.repo(), r == null ? "not fetched" : r.describe());
            }
        }
        store.saveBranchHeads(stored);
        return new Report(stored, fresh, failed, List.copyOf(notGithub), Duration.ofNanos(System.nanoTime() - t0));
    }

    private RepoBranch defaultBranch() {
        try {
            return RepoBranch.parse(defaultBranch);
        } catch (UserError e) {
            throw new UserError("github.default_branch: " + e.getMessage());
        }
    }
}
