package dev.fleetroll.console.render;

import dev.fleetroll.ops.PuppetRunReport;
import dev.fleetroll.ops.PuppetRunResult;
import dev.fleetroll.util.Ansi;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a Puppet run is shown, the same for {@code fleetroll host-run-puppet} and the DSL's {@code runPuppet()}: each
 * host's output under a {@code --- [host] ---} header as it finishes, then one status line per host in host order
 * ({@code OK host changes applied (12.3s)}, {@code OK host no changes}, {@code FAIL host puppet exit 1: ...}), then
 * the summary. Output keeps Puppet's colours only when {@code colour}.
 */
public final class PuppetRunFormatter {
    private static final String RED = "\u001b[31m";
    private static final String GREEN = "\u001b[32m";
    private static final String RESET = "\u001b[0m";

    private final boolean colour;

    public PuppetRunFormatter(boolean colour) {
        this.colour = colour;
    }

    /** One host's output block. */
    public String output(PuppetRunResult r) {
        String text = colour ? r.output() : Ansi.plain(r.output());
        StringBuilder b = new StringBuilder("--- [").append(r.host()).append("] ---\n");
        if (!text.isEmpty()) {
            b.append(text).append(colour && text.contains("\u001b[") ? RESET : "").append('\n');
        }
        return b.toString();
    }

    /** One host's status line. */
    public String status(PuppetRunResult r) {
        String secs = String.format(" (%.1fs)", r.elapsed() == null ? 0.0 : r.elapsed().toMillis() / 1000.0);
        if (r.ok()) {
            return paint(GREEN, "OK") + "   " + r.host() + (r.changesApplied() ? " changes applied" : " no changes") + secs;
        }
        String why = r.puppetExit() != null && r.error() != null ? r.error()
                : r.label() + (r.error() == null || r.error().equals(r.label()) ? "" : ": " + r.error());
        return paint(RED, "FAIL") + " " + r.host() + " " + why + secs;
    }

    /** Status lines in host order, warnings, and the summary. */
    public String render(PuppetRunReport report) {
        return render(report, true);
    }

    /**
     * The closing lines: each host's status line (left out with {@code statusLines} false, when they were printed
     * live as each host ended), warnings, the summary.
     */
    public String render(PuppetRunReport report, boolean statusLines) {
        StringBuilder b = new StringBuilder();
        for (PuppetRunResult r : statusLines ? report.hosts() : List.<PuppetRunResult>of()) {
            b.append(status(r)).append('\n');
        }
        report.warnings().forEach(w -> b.append("warning: ").append(w).append('\n'));
        b.append(report.summary()).append('\n');
        return b.toString();
    }

    /** The report as JSON-ready maps (output without colours). */
    public static Map<String, Object> toJson(PuppetRunReport report) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", report.plan().commandLine());
        m.put("hosts", report.plan().hosts());
        m.put("performed", report.performed());
        m.put("dry_run", report.dryRun());
        List<Map<String, Object>> results = report.hosts().stream().map(r -> {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("host", r.host());
            h.put("ok", r.ok());
            h.put("result", r.label());
            h.put("transport", r.transport().label());
            h.put("puppet_exit", r.puppetExit());
            h.put("changes_applied", r.changesApplied());
            h.put("duration_s", r.elapsed() == null ? null : r.elapsed().toMillis() / 1000.0);
            h.put("error", r.error());
            h.put("output", Ansi.plain(r.output()));
            h.put("log", r.log() == null ? null : r.log().toString());
            h.put("metadata_sha", r.observation() == null || r.observation().puppet() == null ? null
                    : r.observation().puppet().gitSha());
            return h;
        }).toList();
        m.put("results", results);
        m.put("warnings", report.warnings());
        m.put("summary", report.summary());
        return m;
    }

    private String paint(String code, String text) {
        return colour ? code + text + RESET : text;
    }
}
