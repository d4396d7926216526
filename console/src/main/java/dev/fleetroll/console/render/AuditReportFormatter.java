package dev.fleetroll.console.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetroll.content.ContentStore;
import dev.fleetroll.content.Humanhash;
import dev.fleetroll.inventory.NodeSet;
import dev.fleetroll.ops.AuditReport;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.state.Observation;
import dev.fleetroll.state.OverrideSettings;
import dev.fleetroll.store.ObservationJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders an {@link AuditReport} the three ways {@code gather-host} prints it: a summary (totals by outcome, one line
 * per failed host, the distinct overrides with the hosts carrying each as folded node sets), one quiet line, or one
 * JSON document.
 */
public final class AuditReportFormatter {
    private final ContentStore overrides;

    public AuditReportFormatter(ContentStore overrides) {
        this.overrides = overrides;
    }

    /** {@code 10 ok, 1 unreachable, 1 timed-out} in outcome order. */
    public static String totals(List<Observation> observations) {
        Map<Outcome, Integer> counts = counts(observations);
        List<String> parts = new ArrayList<>();
        counts.forEach((o, n) -> parts.add(n + " " + o.label()));
        return parts.isEmpty() ? "no hosts" : String.join(", ", parts);
    }

    private static Map<Outcome, Integer> counts(List<Observation> observations) {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (Observation o : observations) {
            counts.merge(o.outcome(), 1, Integer::sum);
        }
        return counts;
    }

    public String summary(AuditReport report) {
        StringBuilder b = new StringBuilder();
        List<Observation> all = report.observations();
        b.append(String.format(Locale.ROOT, "Audited %d host%s in %s: %s%n", all.size(), all.size() == 1 ? "" : "s",
                seconds(report), totals(all)));
        List<Observation> failed = report.failed();
        if (!failed.isEmpty()) {
            b.append("Failed:\n");
            int width = failed.stream().mapToInt(o -> o.host().length()).max().orElse(0);
            int outcomeWidth = failed.stream().mapToInt(o -> o.outcome().label().length()).max().orElse(0);
            for (Observation o : failed) {
                b.append(String.format(Locale.ROOT, "  %-" + width + "s  %-" + outcomeWidth + "s  %s%n", o.host(),
                        o.outcome().label(), o.error() == null ? "" : o.error()));
            }
        }
        List<Observation> warned = all.stream().filter(o -> o.ok() && !o.warnings().isEmpty()).toList();
        if (!warned.isEmpty()) {
            b.append("Warnings:\n");
            for (Observation o : warned) {
                for (String w : o.warnings()) {
                    b.append("  ").append(o.host()).append(": ").append(w).append('\n');
                }
            }
        }
        List<Observation> ok = report.ok();
        if (!ok.isEmpty()) {
            b.append("Overrides:\n");
            for (Map.Entry<String, List<String>> e : sortedBySize(report.overrides())) {
                String sha = e.getKey();
                OverrideSettings s = settingsFor(sha, ok);
                b.append(String.format(Locale.ROOT, "  %s  %s  %s  (%d host%s)%n", sha.substring(0, 12), Humanhash.of(sha),
                        s == null || s.branch() == null ? "(no branch)" : "branch " + s.branch(), e.getValue().size(),
                        e.getValue().size() == 1 ? "" : "s"));
                b.append("    hosts: ").append(NodeSet.fold(e.getValue())).append('\n');
                String content = content(sha);
                if (content != null) {
                    for (String line : content.strip().split("\n")) {
                        b.append("    | ").append(line).append('\n');
                    }
                }
            }
            List<String> none = ok.stream().filter(o -> o.override() == null).map(Observation::host).toList();
            if (!none.isEmpty()) {
                b.append(String.format(Locale.ROOT, "  no override  (%d host%s)%n", none.size(), none.size() == 1 ? "" : "s"));
                b.append("    hosts: ").append(NodeSet.fold(none)).append('\n');
            }
        }
        return b.toString();
    }

    /** {@code ✓ 12/12 hosts ok (1.9s)}, {@code ⚠ 10/12 hosts ok, 2 failed (3.1s)} or {@code ✗ 0/12 hosts ok ...}. */
    public static String quiet(AuditReport report) {
        int total = report.observations().size();
        int ok = report.ok().size();
        String mark = ok == total ? "✓" : ok == 0 ? "✗" : "⚠";
        String failed = ok == total ? "" : ", " + totals(report.failed());
        return String.format(Locale.ROOT, "%s %d/%d hosts ok%s (%s)", mark, ok, total, failed, seconds(report));
    }

    public String json(AuditReport report) {
        ObjectMapper mapper = ObservationJson.mapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("total", report.observations().size());
        root.put("elapsed_ms", report.elapsed().toMillis());
        ObjectNode outcomes = root.putObject("outcomes");
        counts(report.observations()).forEach((o, n) -> outcomes.put(o.label(), n));
        ArrayNode hosts = root.putArray("hosts");
        for (Observation o : report.observations()) {
            ObjectNode h = mapper.valueToTree(o);
            h.remove("memo"); // the audit's bookkeeping for the next audit, not a fact
            hosts.add(h);
        }
        ArrayNode overridesNode = root.putArray("overrides");
        for (Map.Entry<String, List<String>> e : sortedBySize(report.overrides())) {
            ObjectNode n = overridesNode.addObject();
            n.put("sha256", e.getKey());
            n.put("humanhash", Humanhash.of(e.getKey()));
            OverrideSettings s = settingsFor(e.getKey(), report.ok());
            n.set("settings", s == null ? null : (JsonNode) mapper.valueToTree(s));
            n.put("content", content(e.getKey()));
            n.put("hosts_folded", NodeSet.fold(e.getValue()));
            ArrayNode hs = n.putArray("hosts");
            e.getValue().forEach(hs::add);
        }
        try {
            return mapper.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Map.Entry<String, List<String>>> sortedBySize(Map<String, List<String>> bySha) {
        List<Map.Entry<String, List<String>>> entries = new ArrayList<>(bySha.entrySet());
        entries.sort((a, b) -> a.getValue().size() != b.getValue().size()
                ? Integer.compare(b.getValue().size(), a.getValue().size()) : a.getKey().compareTo(b.getKey()));
        return entries;
    }

    private static OverrideSettings settingsFor(String sha, List<Observation> ok) {
        for (Observation o : ok) {
            if (o.override() != null && sha.equals(o.override().sha256())) {
                return o.overrideSettings();
            }
        }
        return null;
    }

    private String content(String sha) {
        return overrides.get(sha).map(e -> new String(overrides.read(e), StandardCharsets.UTF_8)).orElse(null);
    }

    private static String seconds(AuditReport report) {
        return String.format(Locale.ROOT, "%.1fs", report.elapsed().toMillis() / 1000.0);
    }
}
