package dev.fleetroll.server;

import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.auditlog.AuditRecord;
import dev.fleetroll.monitor.FleetSummary;
import dev.fleetroll.monitor.MonitorView;
import dev.fleetroll.monitor.Tones;
import dev.fleetroll.state.Column;
import dev.fleetroll.state.HostState;
import dev.fleetroll.state.NamedFilter;
import dev.fleetroll.state.NoteEntry;
import dev.fleetroll.state.Observation;
import dev.fleetroll.util.Durations;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The web UI's server-rendered HTML: the monitor page (filter box, named-filter picker, the table with the monitor's
 * columns and tones) and the host page (its cells, note history, observation history and audit-log entries). The
 * small script {@code app.js} swaps the fragments ({@link #table}, {@link #hostDetail}) when the filter or sort
 * changes and when the server pushes a change. Every datum passes through {@link Html#escape}.
 */
final class Pages {
    private Pages() {}

    private static String head(String title) {
        return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + Html.escape(title) + "</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head>\n";
    }

    /** A path segment or query value (a host name, a filter): UTF-8, percent-encoded, spaces as %20. */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The monitor page. */
    static String index(MonitorView view, List<Column> columns, String filter, String sort, List<NamedFilter> filters,
                        String error) {
        StringBuilder b = new StringBuilder(head("fleetroll monitor"));
        b.append("<body data-page=\"index\" data-live=\"connecting\">\n<header><h1>fleetroll</h1>")
                .append("<span class=\"sub\">monitor</span></header>\n");
        b.append("<form id=\"filter-form\" method=\"get\" action=\"/\">")
                .append("<input id=\"filter\" name=\"filter\" size=\"60\" autocomplete=\"off\" spellcheck=\"false\"")
                .append(" placeholder=\"filter, e.g. role~talos pp_last&gt;20h healthy=n sort:pp_last:desc\" value=\"")
                .append(Html.escape(filter)).append("\">");
        b.append("<input type=\"hidden\" id=\"sort\" name=\"sort\" value=\"").append(Html.escape(sort)).append("\">");
        b.append("<select id=\"named\"><option value=\"\">named filters…</option>");
        for (NamedFilter f : filters) {
            b.append("<option value=\"").append(Html.escape(f.query())).append("\" title=\"")
                    .append(Html.escape(f.description())).append("\">").append(Html.escape(f.name())).append("</option>");
        }
        b.append("</select> <button type=\"submit\">apply</button></form>\n");
        b.append("<div id=\"error\" class=\"error\"").append(error == null ? " hidden>" : ">")
                .append(Html.escape(error)).append("</div>\n");
        b.append("<div id=\"table\">");
        if (view != null) {
            b.append(table(view, columns, filter, sort));
        }
        b.append("</div>\n<script src=\"/static/app.js\"></script>\n</body></html>\n");
        return b.toString();
    }

    /** The summary line and the table (the fragment {@code app.js} replaces). */
    static String table(MonitorView view, List<Column> columns, String filter, String sort) {
        StringBuilder b = new StringBuilder(view.rows().size() * 600 + 1024);
        FleetSummary s = view.summary();
        b.append("<p id=\"summary\" class=\"summary\">").append(s.shown()).append(" of ").append(s.total())
                .append(" hosts shown · unreachable ").append(s.unreachable()).append(" · puppet failed ")
                .append(s.puppetFailed()).append(" · not applied ").append(s.notApplied()).append(" · unhealthy ")
                .append(s.unhealthy()).append(" · quarantined ").append(s.quarantined()).append(" · noted ")
                .append(s.noted()).append(s.stale() ? " · <span class=\"tone-bad\">data stale</span>" : "")
                .append(" · as of ").append(Html.escape(view.asOf().toString())).append("</p>\n");
        String sortCol = sort == null ? "" : sort.strip().toLowerCase(Locale.ROOT);
        b.append("<table id=\"hosts\"><thead><tr>");
        for (Column c : columns) {
            String dir = sortCol.equals(c.name()) || sortCol.equals(c.name() + ":asc") ? "asc"
                    : sortCol.equals(c.name() + ":desc") ? "desc" : "";
            String next = dir.equals("asc") ? c.name() + ":desc" : c.name();
            b.append("<th data-col=\"").append(Html.escape(c.name())).append('"')
                    .append(dir.isEmpty() ? "" : " class=\"sorted " + dir + "\"").append(" title=\"")
                    .append(Html.escape(c.description())).append("\"><a href=\"/?filter=")
                    .append(Html.escape(encode(filter == null ? "" : filter)))
                    .append("&amp;sort=").append(Html.escape(next)).append("\">").append(Html.escape(c.label()))
                    .append(dir.equals("asc") ? " ▲" : dir.equals("desc") ? " ▼" : "").append("</a></th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        for (HostState h : view.rows()) {
            b.append("<tr data-host=\"").append(Html.escape(h.name())).append("\">");
            for (Column c : columns) {
                b.append("<td class=\"tone-").append(Tones.of(c, h).name().toLowerCase(Locale.ROOT)).append("\">");
                if (c.name().equals("host")) {
                    b.append("<a href=\"/hosts/").append(Html.escape(encode(h.name()))).append("\">")
                            .append(Html.escape(c.displayOf(h))).append("</a>");
                } else {
                    b.append(Html.escape(c.displayOf(h)));
                }
                b.append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody></table>\n");
        return b.toString();
    }

    /** The host page. */
    static String host(String name, String detail) {
        return head(name + " · fleetroll") + "<body data-page=\"host\" data-live=\"connecting\" data-host=\""
                + Html.escape(name) + "\">\n<header><h1><a href=\"/\">fleetroll</a></h1><span class=\"sub\">"
                + Html.escape(name) + "</span></header>\n<div id=\"detail\">" + detail + "</div>\n"
                + "<script src=\"/static/app.js\"></script>\n</body></html>\n";
    }

    /** The host page's content (the fragment {@code app.js} replaces). */
    static String hostDetail(HostState h, List<Column> columns, List<NoteEntry> notes, List<Observation> history,
                             List<AuditRecord> audit) {
        StringBuilder b = new StringBuilder();
        b.append("<h2>State</h2>\n<table id=\"state\" class=\"kv\"><tbody>\n");
        for (Column c : columns) {
            b.append("<tr><th title=\"").append(Html.escape(c.description())).append("\">").append(Html.escape(c.label()))
                    .append("</th><td class=\"tone-").append(Tones.of(c, h).name().toLowerCase(Locale.ROOT))
                    .append("\" data-col=\"").append(Html.escape(c.name())).append("\">")
                    .append(Html.escape(c.displayOf(h))).append("</td></tr>\n");
        }
        b.append("</tbody></table>\n<h2>Notes</h2>\n<ul id=\"notes\">\n");
        if (notes.isEmpty()) {
            b.append("<li class=\"none\">no notes</li>\n");
        }
        for (NoteEntry n : notes) {
            b.append("<li class=\"note-").append(n.action().label()).append("\"><span class=\"when\">")
                    .append(Html.escape(AuditLog.formatTs(n.at()))).append("</span> <span class=\"who\">")
                    .append(Html.escape(n.actor())).append("</span> <span class=\"text\">")
                    .append(n.action() == NoteEntry.Action.ADD ? Html.escape(n.text())
                            : "cleared" + (n.reason() == null ? "" : ": " + Html.escape(n.reason())))
                    .append("</span></li>\n");
        }
        b.append("</ul>\n<h2>Observations</h2>\n<table id=\"history\"><thead><tr><th>TIME</th><th>SSH</th>")
                .append("<th>ERROR</th><th>ROLE</th><th>UPTIME</th><th>ELAPSED</th></tr></thead><tbody>\n");
        for (Observation o : history) {
            b.append("<tr><td>").append(Html.escape(AuditLog.formatTs(o.ts()))).append("</td><td class=\"tone-")
                    .append(o.ok() ? "good" : "bad").append("\">")
                    .append(Html.escape(o.outcome() == null ? "-" : o.outcome().label())).append("</td><td>")
                    .append(Html.escape(o.error() == null ? "" : o.error())).append("</td><td>")
                    .append(Html.escape(o.role() == null ? "" : o.role())).append("</td><td>")
                    .append(Html.escape(o.uptimeSeconds() == null ? ""
                            : Durations.humanize(Duration.ofSeconds(o.uptimeSeconds()))))
                    .append("</td><td>").append(o.elapsedMs()).append(" ms</td></tr>\n");
        }
        b.append("</tbody></table>\n<h2>Audit log</h2>\n<table id=\"audit\"><thead><tr><th>TIME</th><th>ACTOR</th>")
                .append("<th>ACTION</th><th>OUTCOME</th><th>REASON</th><th>PARAMETERS</th></tr></thead><tbody>\n");
        for (AuditRecord r : audit) {
            b.append("<tr><td>").append(Html.escape(r.ts() == null ? "" : AuditLog.formatTs(r.ts()))).append("</td><td>")
                    .append(Html.escape(r.actor())).append("</td><td>").append(Html.escape(r.action()))
                    .append("</td><td>").append(Html.escape(r.outcome())).append("</td><td>")
                    .append(Html.escape(r.reason())).append("</td><td>").append(Html.escape(r.parameters()))
                    .append("</td></tr>\n");
        }
        b.append("</tbody></table>\n");
        return b.toString();
    }
}
