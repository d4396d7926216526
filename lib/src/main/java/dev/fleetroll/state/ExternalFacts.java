package dev.fleetroll.state;

import dev.fleetroll.github.RepoBranch;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What fleetroll knows about hosts from outside them, in one snapshot: each host's Taskcluster worker record
 * ({@code gather-tc}), the GitHub branch heads ({@code gather-gh}), the operators' notes, and the settings the
 * verdicts need. Host states
 * are built from an audit observation plus these ({@link HostState#of(String, Observation, Observation,
 * ExternalFacts, java.time.Instant)}).
 *
 * @param tc Taskcluster record per host name (as the store names hosts)
 * @param heads branch heads by {@code owner/repo:branch}
 * @param defaultBranch {@code owner/repo:branch} a host without an override (or with a non-GitHub one) follows
 * @param activeWithin how recently a worker must have been active to count as active
 * @param notes the note each host carries, by host name (hosts without a note are absent)
 * @param inventory the hosts of record, probes and rollout targets ({@link InventoryFacts#NONE} when not read)
 */
public record ExternalFacts(Map<String, TaskclusterState> tc, Map<String, BranchHead> heads, String defaultBranch,
                            Duration activeWithin, Map<String, HostNote> notes, InventoryFacts inventory) {

    /** No Taskcluster or GitHub data and no notes: the verdicts that need them are unknown. */
    public static final ExternalFacts NONE = new ExternalFacts(Map.of(), Map.of(), null, Duration.ofHours(1));

    public ExternalFacts {
        tc = Map.copyOf(tc);
        heads = Map.copyOf(heads);
        notes = Map.copyOf(notes);
        inventory = inventory == null ? InventoryFacts.NONE : inventory;
    }

    /** Facts with notes and without the inventory. */
    public ExternalFacts(Map<String, TaskclusterState> tc, Map<String, BranchHead> heads, String defaultBranch,
                         Duration activeWithin, Map<String, HostNote> notes) {
        this(tc, heads, defaultBranch, activeWithin, notes, InventoryFacts.NONE);
    }

    /** Facts without notes. */
    public ExternalFacts(Map<String, TaskclusterState> tc, Map<String, BranchHead> heads, String defaultBranch,
                         Duration activeWithin) {
        this(tc, heads, defaultBranch, activeWithin, Map.of());
    }

    /** These facts with {@code notes} instead of the ones they had. */
    public ExternalFacts withNotes(Map<String, HostNote> notes) {
        return new ExternalFacts(tc, heads, defaultBranch, activeWithin, notes, inventory);
    }

    /** These facts with {@code inventory} instead of the one they had. */
    public ExternalFacts withInventory(InventoryFacts inventory) {
        return new ExternalFacts(tc, heads, defaultBranch, activeWithin, notes, inventory);
    }

    /** The host's note, or null when it has none. */
    public HostNote noteOf(String host) {
        return notes.get(host);
    }

    /**
     * The branch a host should run, as {@code owner/repo:branch}: its override's {@code PUPPET_REPO} and
     * {@code PUPPET_BRANCH} when it has an override naming a GitHub repository, else the default branch. Null when
     * the override names a repository that is not on GitHub (no expected sha can be known).
     */
    public String branchOf(HostState.OverrideState override) {
        if (override == null || override.repo() == null || override.repo().isBlank()) {
            return defaultBranch;
        }
        Optional<RepoBranch> rb = RepoBranch.of(override.repo(), branchOrDefault(override.branch()));
        return rb.map(RepoBranch::key).orElse(null);
    }

    /** The expected sha for a host with {@code override}; null when unknown. */
    public String expectedSha(HostState.OverrideState override) {
        String key = branchOf(override);
        BranchHead head = key == null ? null : heads.get(key);
        return head == null ? null : head.sha();
    }

    /** The host's Taskcluster record, or null when it was never scanned. */
    public TaskclusterState tcOf(String host) {
        return tc.get(host);
    }

    /** An override that sets a repository but no branch follows the default branch's name (as run-puppet does). */
    private String branchOrDefault(String branch) {
        if (branch != null && !branch.isBlank()) {
            return branch;
        }
        if (defaultBranch != null && defaultBranch.contains(":")) {
            return defaultBranch.substring(defaultBranch.indexOf(':') + 1);
        }
        return "master";
    }
}
