package dev.fleetroll.console.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fleetroll.console.render.HostJson;
import dev.fleetroll.monitor.FleetSummary;
import dev.fleetroll.monitor.MonitorView;
import dev.fleetroll.state.Column;
import dev.fleetroll.state.HostState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code host-monitor --json}: one JSON document (schema {@code docs/monitor.schema.json}, version field
 * {@code "format": "fleetroll.monitor/1"}) with the header counts and, per shown host in display order, the cells as
 * the table shows them and the full state under the DSL's property names (durations in seconds, instants ISO-8601,
 * unknown values null). Field names are stable: scripts and jq filters may rely on them.
 */
public final class MonitorJson {
    public static final String FORMAT = "fleetroll.monitor/1";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MonitorJson() {}

    public static String render(MonitorView view, List<Column> columns, String filter, String sort) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        doc.put("generatedAt", view.asOf().toString());
        doc.put("filter", filter == null ? "" : filter);
        doc.put("sort", sort == null ? "" : sort);
        FleetSummary s = view.summary();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("total", s.total());
        summary.put("shown", s.shown());
        summary.put("neverAudited", s.neverAudited());
        summary.put("unreachable", s.unreachable());
        summary.put("puppetFailed", s.puppetFailed());
        summary.put("notApplied", s.notApplied());
        summary.put("unhealthy", s.unhealthy());
        summary.put("quarantined", s.quarantined());
        summary.put("noted", s.noted());
        summary.put("newestFacts", s.newestFacts() == null ? null : s.newestFacts().toString());
        summary.put("newestScan", s.newestScan() == null ? null : s.newestScan().toString());
        summary.put("stale", s.stale());
        doc.put("summary", summary);
        doc.put("columns", columns.stream().map(Column::name).toList());
        doc.put("hosts", view.rows().stream().map(h -> host(h, columns)).toList());
        try {
            return MAPPER.writeValueAsString(doc) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static Map<String, Object> host(HostState h, List<Column> columns) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", h.name());
        Map<String, String> cells = new LinkedHashMap<>();
        for (Column c : columns) {
            cells.put(c.name(), c.displayOf(h));
        }
        m.put("cells", cells);
        m.put("state", HostJson.toMap(h));
        return m;
    }
}
