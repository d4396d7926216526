package dev.fleetroll.console.monitor;

import dev.fleetroll.monitor.FleetSummary;
import dev.fleetroll.monitor.Tones;
import dev.fleetroll.state.Column;
import dev.fleetroll.state.Columns;
import dev.fleetroll.state.HostState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Draws one frame of the live monitor from its {@link MonitorUi}: two header lines (version, keys, data age and
 * staleness; counts, sort, filter), the column header, the visible rows (the HOST column stays while the others
 * scroll sideways), and a bottom line that is the filter bar, a message, or the position. Only the visible rows are
 * rendered, so a frame costs the same for 50 hosts or 5,000.
 */
final class MonitorFrame {
    static final int HEADER_LINES = 3;
    private static final int MAX_CELL = 48;
    private static final String SEP = "  ";
    private static final AttributedStyle BOLD = AttributedStyle.BOLD;
    private static final AttributedStyle DIM = AttributedStyle.DEFAULT.faint();
    private static final AttributedStyle INVERSE = AttributedStyle.INVERSE;

    private final String version;
    private final String source;
    private final int colours;

    /**
     * @param version shown top left
     * @param source what is watched: a host list name, "N hosts", or "all stored hosts"
     * @param colours the terminal's colour count (below 8: no colour)
     */
    MonitorFrame(String version, String source, int colours) {
        this.version = version;
        this.source = source;
        this.colours = colours;
    }

    /** The frame's lines (exactly {@code height}) for a terminal {@code width} wide. */
    List<AttributedString> render(MonitorUi ui, int width, int height, Instant now, String warning) {
        List<AttributedString> lines = new ArrayList<>(height);
        int body = Math.max(1, height - HEADER_LINES - 1);
        ui.pageRows = body;
        lines.add(titleLine(ui, width, now, warning));
        lines.add(countsLine(ui, width));
        List<HostState> rows = ui.view == null ? List.of() : ui.view.rows();
        List<Column> visibleCols = visibleColumns(ui, rows, width);
        lines.add(headerRow(ui, visibleCols, width));
        switch (ui.mode) {
            case HELP -> lines.addAll(pad(MonitorHelp.lines(), body, width));
            case PICKER -> lines.addAll(pad(pickerLines(ui, width, body), body, width));
            default -> {
                for (int r = 0; r < body; r++) {
                    int i = ui.top + r;
                    lines.add(i < rows.size() ? row(rows.get(i), visibleCols, ui, width) : AttributedString.EMPTY);
                }
            }
        }
        lines.add(bottomLine(ui, rows.size(), visibleCols, width, now));
        return lines.subList(0, Math.min(lines.size(), height));
    }

    /** The cursor position (column) on the bottom line while the filter bar is edited, else -1. */
    static int cursorColumn(MonitorUi ui) {
        return ui.mode == MonitorUi.Mode.FILTER ? 1 + ui.edit.cursor() : -1;
    }

    private AttributedString titleLine(MonitorUi ui, int width, Instant now, String warning) {
        AttributedStringBuilder left = new AttributedStringBuilder();
        left.style(BOLD).append("fleetroll ").append(version).style(AttributedStyle.DEFAULT);
        left.append("  ").style(DIM).append("? help  / filter  f filters  s sort  q quit").style(AttributedStyle.DEFAULT);
        AttributedStringBuilder right = new AttributedStringBuilder();
        if (warning != null) {
            right.style(style(AttributedStyle.YELLOW)).append(warning).style(AttributedStyle.DEFAULT).append("  ");
        }
        right.append(source).append("  ");
        if (!ui.domain.isEmpty()) {
            right.append("fqdn=*").append(ui.domain).append("  ");
        }
        FleetSummary s = ui.view == null ? null : ui.view.summary();
        if (s == null || s.newestFacts() == null) {
            right.append("updated never");
        } else {
            right.append("updated ").append(Columns.dataAge(Duration.between(s.newestFacts(), now))).append(" ago");
            if (s.stale()) {
                right.append(" ").style(style(AttributedStyle.RED).bold()).append("[stale]").style(AttributedStyle.DEFAULT);
            }
        }
        return leftRight(left.toAttributedString(), right.toAttributedString(), width);
    }

    private AttributedString countsLine(MonitorUi ui, int width) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        FleetSummary s = ui.view == null ? null : ui.view.summary();
        if (s != null) {
            b.style(BOLD).append("hosts ").append(String.valueOf(s.shown())).append("/").append(String.valueOf(s.total()))
                    .style(AttributedStyle.DEFAULT);
            count(b, s.unreachable(), "unreachable", AttributedStyle.RED);
            count(b, s.neverAudited(), "never audited", AttributedStyle.YELLOW);
            count(b, s.puppetFailed(), "puppet failed", AttributedStyle.RED);
            count(b, s.notApplied(), "not applied", AttributedStyle.YELLOW);
            count(b, s.unhealthy(), "unhealthy", AttributedStyle.RED);
            count(b, s.quarantined(), "quarantined", AttributedStyle.RED);
            count(b, s.noted(), "noted", AttributedStyle.YELLOW);
        }
        b.append("  sort=").append(ui.query.hasSort() ? "(filter)" : ui.sortSpec());
        if (!ui.query.text().isBlank()) {
            b.append("  /").style(style(AttributedStyle.CYAN)).append(ui.query.text()).style(AttributedStyle.DEFAULT);
        }
        return b.toAttributedString().columnSubSequence(0, width);
    }

    private void count(AttributedStringBuilder b, int n, String what, int colour) {
        if (n > 0) {
            b.append(" · ").style(style(colour)).append(String.valueOf(n)).append(' ').append(what)
                    .style(AttributedStyle.DEFAULT);
        }
    }

    /** HOST, then as many of the other columns as fit from the horizontal offset on. */
    private List<Column> visibleColumns(MonitorUi ui, List<HostState> rows, int width) {
        List<Column> cols = ui.columns;
        List<Column> out = new ArrayList<>();
        if (cols.isEmpty()) {
            return out;
        }
        int end = Math.min(rows.size(), ui.top + ui.pageRows);
        for (Column c : cols) {
            int w = ui.widths.getOrDefault(c.name(), c.label().length());
            for (int i = ui.top; i < end; i++) {
                w = Math.max(w, Math.min(MAX_CELL, cell(ui, c, rows.get(i)).length()));
            }
            ui.widths.put(c.name(), w);
        }
        out.add(cols.get(0));
        int used = ui.widths.get(cols.get(0).name());
        int offset = Math.min(ui.colOffset, Math.max(0, cols.size() - 2));
        ui.colOffset = offset;
        for (int i = 1 + offset; i < cols.size(); i++) {
            int w = ui.widths.get(cols.get(i).name());
            if (used + SEP.length() + w > width && out.size() > 1) {
                break;
            }
            out.add(cols.get(i));
            used += SEP.length() + w;
        }
        return out;
    }

    private AttributedString headerRow(MonitorUi ui, List<Column> cols, int width) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        for (int i = 0; i < cols.size(); i++) {
            Column c = cols.get(i);
            String label = c.label() + (sortedBy(ui, c) ? (ui.descending ? "▼" : "▲") : "");
            if (i > 0) {
                b.append(SEP);
            }
            b.style(BOLD.underline()).append(fit(label, ui.widths.get(c.name()), i == cols.size() - 1))
                    .style(AttributedStyle.DEFAULT);
        }
        return b.toAttributedString().columnSubSequence(0, width);
    }

    private static boolean sortedBy(MonitorUi ui, Column c) {
        return !ui.query.hasSort() && c.name().equals(ui.sortColumn);
    }

    private AttributedString row(HostState s, List<Column> cols, MonitorUi ui, int width) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        for (int i = 0; i < cols.size(); i++) {
            Column c = cols.get(i);
            String cell = cell(ui, c, s);
            if (i > 0) {
                b.append(SEP);
            }
            b.style(i == 0 ? BOLD : ToneStyles.of(Tones.of(c, s), cell, colours));
            b.append(fit(cell, ui.widths.get(c.name()), i == cols.size() - 1));
            b.style(AttributedStyle.DEFAULT);
        }
        return b.toAttributedString().columnSubSequence(0, width);
    }

    /** The cell text; host names lose the domain every watched host shares (the header names it). */
    private static String cell(MonitorUi ui, Column c, HostState s) {
        String text = c.displayOf(s);
        String suffix = ui.domain;
        return c.name().equals("host") && !suffix.isEmpty() && text.endsWith(suffix) && text.length() > suffix.length()
                ? text.substring(0, text.length() - suffix.length()) : text;
    }

    private AttributedString bottomLine(MonitorUi ui, int rows, List<Column> cols, int width, Instant now) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        if (ui.mode == MonitorUi.Mode.FILTER) {
            b.style(BOLD).append(ui.historyIndex() >= 0 ? "↕" : "/").style(AttributedStyle.DEFAULT);
            b.append(QueryHighlight.of(ui.edit.text(), ui.errorAt, colours));
            String msg = ui.status(now);
            if (msg != null) {
                b.append("   ").style(style(AttributedStyle.RED)).append(msg).style(AttributedStyle.DEFAULT);
            } else {
                b.append("   ").style(DIM).append("Enter apply · Esc cancel · ↑↓ history · Ctrl-U clear")
                        .style(AttributedStyle.DEFAULT);
            }
            return b.toAttributedString().columnSubSequence(0, width);
        }
        String msg = ui.status(now);
        if (msg != null) {
            b.style(ui.statusBad ? style(AttributedStyle.RED).bold() : AttributedStyle.DEFAULT).append(msg);
            return b.toAttributedString().columnSubSequence(0, width);
        }
        int first = rows == 0 ? 0 : ui.top + 1;
        int last = Math.min(rows, ui.top + ui.pageRows);
        b.style(DIM).append("rows ").append(String.valueOf(first)).append('-').append(String.valueOf(last))
                .append(" of ").append(String.valueOf(rows));
        int total = ui.columns.size();
        if (total > 1 && cols.size() < total) {
            int from = 2 + ui.colOffset;
            b.append("   columns ").append(ui.colOffset > 0 ? "◀ " : "  ").append(String.valueOf(from)).append('-')
                    .append(String.valueOf(from + cols.size() - 2)).append(" of ").append(String.valueOf(total))
                    .append(from + cols.size() - 2 < total ? " ▶" : "");
        }
        return b.toAttributedString().columnSubSequence(0, width);
    }

    private List<AttributedString> pickerLines(MonitorUi ui, int width, int body) {
        Picker p = ui.picker;
        List<AttributedString> out = new ArrayList<>();
        AttributedStringBuilder tabs = new AttributedStringBuilder().append(" ");
        for (int t = 0; t < Picker.TABS.length; t++) {
            tabs.style(t == p.tab ? INVERSE.bold() : AttributedStyle.DEFAULT)
                    .append(" ").append(Picker.TABS[t]).append(" (").append(String.valueOf(p.count(t))).append(") ")
                    .style(AttributedStyle.DEFAULT).append(" ");
        }
        tabs.style(DIM).append("  ←→ tab · type to search · Enter apply · Esc close").style(AttributedStyle.DEFAULT);
        out.add(tabs.toAttributedString());
        out.add(new AttributedStringBuilder().append(" search: ").style(style(AttributedStyle.CYAN))
                .append(p.search.text()).style(AttributedStyle.DEFAULT).append("▏").toAttributedString());
        List<Picker.Entry> shown = p.shown();
        int room = Math.max(1, body - 3);
        if (p.selected < p.top) {
            p.top = p.selected;
        } else if (p.selected >= p.top + room) {
            p.top = p.selected - room + 1;
        }
        if (shown.isEmpty()) {
            out.add(new AttributedString(p.count(p.tab) == 0
                    ? (p.tab == 0 ? "   (no saved filters: add YAML files with a 'query:' to configs/filters/)" : "   (no recent filters)")
                    : "   (no matches)", DIM));
        }
        int nameWidth = shown.stream().mapToInt(e -> e.name().length()).max().orElse(4);
        nameWidth = Math.min(nameWidth, 30);
        for (int i = p.top; i < Math.min(shown.size(), p.top + room); i++) {
            Picker.Entry e = shown.get(i);
            boolean sel = i == p.selected;
            AttributedStringBuilder b = new AttributedStringBuilder();
            b.style(sel ? INVERSE : AttributedStyle.DEFAULT).append(sel ? " ▶ " : "   ");
            if (p.tab == 0) {
                b.append(fit(e.name(), nameWidth, false)).append("  ");
            }
            b.append(e.query());
            if (!e.description().isBlank()) {
                b.append("  — ").append(e.description());
            }
            out.add(b.toAttributedString().columnSubSequence(0, width));
        }
        return out;
    }

    private static List<AttributedString> pad(List<AttributedString> lines, int body, int width) {
        List<AttributedString> out = new ArrayList<>();
        for (int i = 0; i < body; i++) {
            out.add(i < lines.size() ? lines.get(i).columnSubSequence(0, width) : AttributedString.EMPTY);
        }
        return out;
    }

    private static AttributedString leftRight(AttributedString left, AttributedString right, int width) {
        int gap = width - left.columnLength() - right.columnLength();
        if (gap < 1) {
            return left.columnSubSequence(0, width);
        }
        return new AttributedStringBuilder().append(left).append(" ".repeat(gap)).append(right).toAttributedString();
    }

    /** {@code s} padded to {@code w}, or cut with an ellipsis; the last column is not padded. */
    static String fit(String s, int w, boolean last) {
        if (s.length() > w) {
            return w <= 1 ? s.substring(0, Math.max(0, w)) : s.substring(0, w - 1) + "…";
        }
        return last ? s : s + " ".repeat(w - s.length());
    }

    private AttributedStyle style(int colour) {
        return colours >= 8 ? AttributedStyle.DEFAULT.foreground(colour) : AttributedStyle.DEFAULT;
    }
}
