package dev.fleetroll.ops;

import dev.fleetroll.ops.write.WriteAction;
import dev.fleetroll.puppet.HostPaths;
import java.time.Instant;
import java.util.List;

/**
 * What a write will do, shown before it happens (REPL confirmation, CLI and script dry runs) and rendered the
 * same way everywhere by the console's {@code PlanFormatter}. Built by {@link WritePlanner} after validation.
 *
 * @param source the content's name ({@code configs/overrides/x.override}, {@code <text>}); null for an unset
 * @param sha256 of the new content; null for an unset
 * @param newText the new override's text, for display; null for vaults (secret) and unsets
 * @param targetPath explicit target path, or null for the default per OS ({@link #defaultTargets()})
 * @param current the hosts grouped by what the store last saw of their file (with a diff where the old content is
 *     in the local content store; never for vaults)
 */
public record WritePlan(
        WriteAction action,
        List<String> hosts,
        String source,
        String sha256,
        String humanhash,
        Long size,
        String newText,
        String targetPath,
        String mode,
        String owner,
        String group,
        boolean backup,
        int backupsKept,
        boolean force,
        String onlyIfSha,
        String reason,
        List<CurrentGroup> current) implements ActionPlan {

    public WritePlan {
        hosts = List.copyOf(hosts);
        current = List.copyOf(current);
    }

    /** What is known of the hosts' current file before the write. */
    public enum State {
        /** The hosts have no such file. */
        ABSENT,
        /** The hosts already have exactly the new content (the write will report unchanged). */
        SAME,
        /** The hosts have other content (sha256 known; diff when the old content is stored locally). */
        DIFFERENT,
        /** Never successfully audited: nothing known. */
        UNKNOWN
    }

    /**
     * Hosts that share one current state.
     *
     * @param sha256 the current content's sha256 (DIFFERENT and SAME), else null
     * @param observedAt the oldest audit this group's knowledge comes from (null for UNKNOWN)
     * @param diff unified diff current -> new (lines, no trailing newlines); empty when not known, secret or omitted
     * @param diffOmitted the old content is known but a file was too long to diff ({@link #MAX_DIFF_LINES})
     */
    public record CurrentGroup(State state, String sha256, String humanhash, List<String> hosts, Instant observedAt,
                               List<String> diff, boolean diffOmitted) {
        public CurrentGroup {
            hosts = List.copyOf(hosts);
            diff = List.copyOf(diff);
        }

        public CurrentGroup(State state, String sha256, String humanhash, List<String> hosts, Instant observedAt,
                            List<String> diff) {
            this(state, sha256, humanhash, hosts, observedAt, diff, false);
        }
    }

    /**
     * Longer files are not diffed in plans: overrides are a few lines, and Myers' diff over hundreds of thousands of
     * near-identical lines takes minutes. The plan says the diff was omitted.
     */
    public static final int MAX_DIFF_LINES = 2000;

    @Override
    public String verb() {
        return action.verb();
    }

    @Override
    public String title() {
        return action.title();
    }

    public boolean secret() {
        return action.file().secret();
    }

    /** The target as text: the explicit path, or the Linux and macOS defaults. */
    public String defaultTargets() {
        return targetPath != null ? targetPath
                : action.file().path(HostPaths.LINUX) + " (Linux), " + action.file().path(HostPaths.DARWIN) + " (macOS)";
    }

    /** Hosts the plan expects the host-side guard to refuse (a different override is there and force is off). */
    public List<String> expectedBlocked() {
        if (action != WriteAction.OVERRIDE_SET || force) {
            return List.of();
        }
        return current.stream().filter(g -> g.state() == State.DIFFERENT).flatMap(g -> g.hosts().stream()).toList();
    }
}
