package dev.fleetroll.rollout;

import dev.fleetroll.UserError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a rollout will do, fixed when it starts and kept in the store: the targets (resolved host names), the change
 * (an override file's text and sha256), the canary hosts, the batch sizes after the canary, the gate (a monitor
 * query every host of a stage must meet, e.g. {@code applied=y healthy=y}), the soak time before a stage may be
 * assessed, how many hosts of a stage may fail the gate, and whether Puppet runs right after each push.
 *
 * @param skipped targets the operator left out, with why (hosts that already carry another override must be)
 * @param source where the override came from ({@code configs/overrides/x.override})
 * @param maxFailures hosts of one stage that may fail the gate: the stage passes when failures <= maxFailures
 */
public record RolloutPlan(String name, List<String> targets, Map<String, String> skipped, String source,
                          String overrideText, String overrideSha, List<String> canary, List<BatchSize> batches,
                          String gate, long soakSeconds, int maxFailures, boolean runPuppet) {

    /** Letters, digits, {@code . _ -}; starts with a letter or digit. */
    public static final String NAME_RULE = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    public RolloutPlan {
        targets = List.copyOf(targets);
        skipped = skipped == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(skipped));
        canary = canary == null ? List.of() : List.copyOf(canary);
        batches = batches == null ? List.of() : List.copyOf(batches);
    }

    public Duration soak() {
        return Duration.ofSeconds(soakSeconds);
    }

    public static void checkName(String name) {
        if (name == null || !name.matches(NAME_RULE)) {
            throw new UserError("rollout name '" + name + "' is not valid: use letters, digits, '.', '_' and '-'"
                    + " (up to 64, starting with a letter or digit), e.g. resolverd-fix-1804");
        }
    }

    /**
     * The stages: the canary first (when there is one), then one per batch size over the targets not yet staged, in
     * target order; hosts left over after the last batch form a final stage, so every target is covered.
     */
    public List<List<String>> stages() {
        List<String> rest = new ArrayList<>(targets);
        List<List<String>> out = new ArrayList<>();
        Set<String> canarySet = new LinkedHashSet<>(canary);
        if (!canarySet.isEmpty()) {
            out.add(List.copyOf(canarySet));
            rest.removeAll(canarySet);
        }
        for (BatchSize b : batches) {
            if (rest.isEmpty()) {
                break;
            }
            int n = b.hosts(targets.size(), rest.size());
            out.add(List.copyOf(rest.subList(0, n)));
            rest = new ArrayList<>(rest.subList(n, rest.size()));
        }
        if (!rest.isEmpty()) {
            out.add(List.copyOf(rest));
        }
        return out;
    }
}
