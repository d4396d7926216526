package dev.fleetroll.standin;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Branch heads held in memory, changeable while a stand-in serves them (thread-safe). For specs. */
public final class StaticRefSource implements RefSource {
    private final Map<String, Map<String, String>> repos = new ConcurrentHashMap<>();

    /** Sets all branches of {@code owner/repo} (an empty map: an empty repository). */
    public StaticRefSource put(String owner, String repo, Map<String, String> heads) {
        repos.put(id(owner, repo), Map.copyOf(heads));
        return this;
    }

    /** Sets (adds or moves) one branch head, creating the repository if missing. */
    public StaticRefSource setHead(String owner, String repo, String branch, String sha) {
        repos.compute(id(owner, repo), (k, old) -> {
            Map<String, String> heads = old == null ? new LinkedHashMap<>() : new LinkedHashMap<>(old);
            heads.put(branch, sha);
            return Map.copyOf(heads);
        });
        return this;
    }

    public StaticRefSource remove(String owner, String repo) {
        repos.remove(id(owner, repo));
        return this;
    }

    @Override
    public Optional<Map<String, String>> heads(String owner, String repo) {
        return Optional.ofNullable(repos.get(id(owner, repo)));
    }

    private static String id(String owner, String repo) {
        return (owner + "/" + repo).toLowerCase(Locale.ROOT);
    }
}
