package dev.fleetroll.console.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetroll.ops.GatherGithub;
import dev.fleetroll.ops.GatherTaskcluster;
import dev.fleetroll.state.BranchHead;
import dev.fleetroll.store.ObservationJson;
import dev.fleetroll.util.Durations;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How {@code gather-tc} and {@code gather-gh} reports read: a summary, then one line per problem; or JSON. */
public final class GatherFormatter {
    private GatherFormatter() {}

    public static String text(GatherTaskcluster.Report r) {
        StringBuilder b = new StringBuilder();
        int hosts = r.stored().size();
        b.append(String.format(Locale.ROOT, "gather-tc: %d host%s in %d pool%s listed (%,d workers) in %s%n", hosts,
                hosts == 1 ? "" : "s", r.poolsListed(), r.poolsListed() == 1 ? "" : "s", r.workersListed(),
                Durations.format(r.elapsed())));
        b.append(String.format(Locale.ROOT, "  present %d, absent %d, no pool %d%n", r.present().size(), r.absent().size(),
                r.unmapped().size()));
        r.poolErrors().forEach((pool, error) -> b.append("  pool ").append(pool).append(" failed: ").append(error)
                .append(" (its hosts keep their previous record)\n"));
        Map<String, List<String>> byProblem = new LinkedHashMap<>();
        r.unmapped().forEach((host, problem) -> byProblem.computeIfAbsent(problem, k -> new java.util.ArrayList<>()).add(host));
        byProblem.forEach((problem, hs) -> b.append("  ").append(problem).append(": ").append(names(hs)).append('\n'));
        if (!r.absent().isEmpty()) {
            b.append("  not listed by Taskcluster: ").append(names(r.absent())).append('\n');
        }
        return b.toString();
    }

    public static String text(GatherGithub.Report r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "gather-gh: %d branch head%s stored, %d repositor%s fresh (skipped), %d failed, in %s%n",
                r.stored().size(), r.stored().size() == 1 ? "" : "s", r.fresh().size(), r.fresh().size() == 1 ? "y" : "ies",
                r.failed().size(), Durations.format(r.elapsed())));
        for (BranchHead h : r.stored()) {
            b.append("  ").append(h.key()).append("  ").append(h.sha() != null ? h.sha() : h.problem()).append('\n');
        }
        r.failed().forEach((repo, error) -> b.append("  ").append(repo).append(" failed: ").append(error)
                .append(" (its stored heads were kept)\n"));
        if (!r.notGithub().isEmpty()) {
            b.append("  not on GitHub (no expected sha): ").append(String.join(", ", r.notGithub())).append('\n');
        }
        return b.toString();
    }

    public static String json(GatherTaskcluster.Report r) {
        ObjectNode n = ObservationJson.mapper().createObjectNode();
        n.set("hosts", ObservationJson.mapper().valueToTree(r.stored()));
        ObjectNode errors = n.putObject("pool_errors");
        r.poolErrors().forEach((pool, e) -> errors.put(pool.toString(), e));
        n.set("unmapped", ObservationJson.mapper().valueToTree(r.unmapped()));
        n.put("pools_listed", r.poolsListed());
        n.put("workers_listed", r.workersListed());
        n.put("elapsed_ms", r.elapsed().toMillis());
        return write(n);
    }

    public static String json(GatherGithub.Report r) {
        ObjectNode n = ObservationJson.mapper().createObjectNode();
        n.set("stored", ObservationJson.mapper().valueToTree(r.stored()));
        n.set("fresh", ObservationJson.mapper().valueToTree(r.fresh()));
        n.set("failed", ObservationJson.mapper().valueToTree(r.failed()));
        n.set("not_github", ObservationJson.mapper().valueToTree(r.notGithub()));
        n.put("elapsed_ms", r.elapsed().toMillis());
        return write(n);
    }

    private static String names(List<String> hosts) {
        return hosts.size() <= 10 ? String.join(" ", hosts)
                : String.join(" ", hosts.subList(0, 10)) + " and " + (hosts.size() - 10) + " more";
    }

    private static String write(ObjectNode n) {
        try {
            return ObservationJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
