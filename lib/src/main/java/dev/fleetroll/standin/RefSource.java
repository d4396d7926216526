package dev.fleetroll.standin;

import java.util.Map;
import java.util.Optional;

/** Where {@link GitHubStandIn} gets branch heads from: a repository's branch name to sha, empty when it has none. */
@FunctionalInterface
public interface RefSource {
    /**
     * Branch name (without {@code refs/heads/}) to head sha of {@code owner/repo}, or empty when there is no such
     * repository. Names are matched case-insensitively, as GitHub does.
     */
    Optional<Map<String, String>> heads(String owner, String repo);
}
