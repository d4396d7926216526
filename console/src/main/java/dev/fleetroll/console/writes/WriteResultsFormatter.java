package dev.fleetroll.console.writes;

import dev.fleetroll.console.render.PlanFormatter;
import dev.fleetroll.util.NaturalOrder;
import dev.fleetroll.ops.write.HostWrite;
import dev.fleetroll.ops.write.WriteOutcome;
import dev.fleetroll.ops.write.WriteResults;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-host lines and the summary of a write, for the CLI and the REPL; {@link #toJson} for {@code --json}. */
public final class WriteResultsFormatter {
    private static final String RED = "\u001b[31m";
    private static final String GREEN = "\u001b[32m";
    private static final String YELLOW = "\u001b[33m";
    private static final String RESET = "\u001b[0m";

    private final boolean colour;

    public WriteResultsFormatter(boolean colour) {
        this.colour = colour;
    }

    /** One line per host (naturally sorted), then the summary and any warnings. */
    public String render(WriteResults r) {
        StringBuilder b = new StringBuilder();
        List<HostWrite> sorted = new ArrayList<>(r.hosts());
        sorted.sort(Comparator.comparing(HostWrite::host, NaturalOrder.INSTANCE));
        String what = r.plan() == null ? "file" : r.plan().action().file().label();
        boolean removal = r.plan() != null && r.plan().action().removal();
        for (HostWrite w : sorted) {
            String label = String.format("%-11s", w.outcome().label());
            b.append(colour ? colourFor(w.outcome()) + label + RESET : label).append(' ').append(w.host()).append("  ");
            b.append(switch (w.outcome()) {
                case CHANGED -> (removal ? what + " removed" : what + " written")
                        + (w.reply().backup() == null ? "" : " (backup " + w.reply().backup() + ")");
                case UNCHANGED -> removal ? "no " + what + " to remove"
                        : "already current" + (Boolean.TRUE.equals(w.reply().metaChanged()) ? " (mode/owner fixed)" : "");
                case BLOCKED -> (w.error() == null ? "blocked" : w.error()) + (removal ? "" : " (use --force)");
                case FAILED, UNREACHABLE -> w.error() == null ? w.outcome().label() : w.error();
            });
            b.append('\n');
        }
        b.append(r.summary()).append('\n');
        for (String warning : r.warnings()) {
            b.append("warning: ").append(warning).append('\n');
        }
        return b.toString();
    }

    private static String colourFor(WriteOutcome o) {
        return switch (o) {
            case CHANGED, UNCHANGED -> GREEN;
            case BLOCKED -> YELLOW;
            case FAILED, UNREACHABLE -> RED;
        };
    }

    public static Map<String, Object> toJson(WriteResults r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", r.plan() == null ? null : r.plan().action().auditName());
        m.put("dry_run", r.dryRun());
        m.put("declined", r.declined());
        m.put("approval", r.decision() == null ? null : r.decision().decidedBy());
        m.put("plan", r.plan() == null ? null : PlanFormatter.toJson(r.plan()));
        List<Map<String, Object>> hosts = new ArrayList<>();
        for (HostWrite w : r.hosts()) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("host", w.host());
            h.put("outcome", w.outcome().label());
            h.put("ok", w.outcome().ok());
            h.put("transport", w.transport() == null ? null : w.transport().label());
            h.put("exit_code", w.exitCode());
            h.put("error", w.error());
            h.put("os", w.reply().os());
            h.put("target", w.reply().target());
            h.put("old_sha256", w.reply().oldSha256());
            h.put("new_sha256", w.reply().newSha256());
            h.put("backup", w.reply().backup());
            h.put("pruned", w.reply().pruned());
            hosts.add(h);
        }
        m.put("results", hosts);
        Map<String, Object> counts = new LinkedHashMap<>();
        r.counts().forEach((k, v) -> counts.put(k.label(), v));
        m.put("counts", counts);
        m.put("summary", r.summary());
        m.put("warnings", r.warnings());
        return m;
    }
}
