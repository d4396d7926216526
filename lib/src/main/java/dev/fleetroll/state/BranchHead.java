package dev.fleetroll.state;

import java.time.Instant;

/**
 * The head of one GitHub branch as {@code gather-gh} last saw it: what hosts following that branch are expected to
 * run.
 *
 * @param key {@code owner/repo:branch}
 * @param sha the commit the branch points at; null when the fetch failed or the branch does not exist
 * @param fetchedAt when the repository was last asked
 * @param problem why there is no sha (no such branch, repository not found, rate limit); null when there is one
 */
public record BranchHead(String key, String sha, Instant fetchedAt, String problem) {}
