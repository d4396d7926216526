package dev.fleetroll.console.render;

import dev.fleetroll.console.dsl.DslOutput;
import dev.fleetroll.UserError;
import dev.fleetroll.console.monitor.ToneStyles;
import dev.fleetroll.monitor.Tones;
import dev.fleetroll.state.Column;
import dev.fleetroll.state.Columns;
import dev.fleetroll.state.HostState;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Renders host states as the monitor's plain table (two spaces between columns, like {@code host-monitor --once}).
 * Column definitions live in {@code lib} ({@link Columns}); this is only the rendering. With colour on, the header
 * is bold and cells take the monitor's colours ({@link Tones}: failed Puppet runs, unreachable hosts, not applied in
 * red; fresh and matching in green; ...).
 */
public final class HostTable {

    private HostTable() {}

    /** Columns named in {@code spec} (space- or comma-separated), in that order. */
    public static List<Column> columns(String spec) {
        List<Column> out = new ArrayList<>();
        for (String name : spec.trim().split("[\\s,]+")) {
            if (!name.isEmpty()) {
                out.add(Columns.standard().require(name));
            }
        }
        if (out.isEmpty()) {
            throw new UserError("show(''): name at least one column, e.g. show('host role pp_last')");
        }
        return out;
    }

    public static String render(List<HostState> states, List<Column> columns, DslOutput output) {
        return render(states, columns, output.colour(), Integer.MAX_VALUE);
    }

    /** The table; at most {@code maxRows} rows, then a line saying how many more there are. */
    public static String render(List<HostState> states, List<Column> columns, boolean colour, int maxRows) {
        if (states.isEmpty()) {
            return "(no hosts)\n";
        }
        int rows = Math.min(states.size(), maxRows);
        String[][] cells = new String[rows][columns.size()];
        int[] width = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            width[c] = columns.get(c).label().length();
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns.size(); c++) {
                cells[r][c] = columns.get(c).displayOf(states.get(r));
                width[c] = Math.max(width[c], cells[r][c].length());
            }
        }
        StringBuilder b = new StringBuilder();
        StringBuilder header = new StringBuilder();
        for (int c = 0; c < columns.size(); c++) {
            pad(header, columns.get(c).label(), width[c], c == columns.size() - 1);
        }
        String head = header.toString().stripTrailing();
        b.append(colour ? new AttributedString(head, AttributedStyle.BOLD).toAnsi() : head).append('\n');
        for (int r = 0; r < rows; r++) {
            if (!colour) {
                StringBuilder line = new StringBuilder();
                for (int c = 0; c < columns.size(); c++) {
                    pad(line, cells[r][c], width[c], c == columns.size() - 1);
                }
                b.append(line.toString().stripTrailing()).append('\n');
                continue;
            }
            AttributedStringBuilder line = new AttributedStringBuilder();
            for (int c = 0; c < columns.size(); c++) {
                String cell = cells[r][c];
                line.style(ToneStyles.of(Tones.of(columns.get(c), states.get(r)), cell, 256)).append(cell)
                        .style(AttributedStyle.DEFAULT);
                if (c < columns.size() - 1) {
                    line.append(" ".repeat(width[c] - cell.length() + 2));
                }
            }
            b.append(line.toAttributedString().toAnsi().stripTrailing()).append('\n');
        }
        if (rows < states.size()) {
            b.append("... ").append(states.size() - rows).append(" more (").append(states.size())
                    .append(" hosts; .show() prints all)\n");
        }
        return b.toString();
    }

    private static void pad(StringBuilder b, String s, int w, boolean last) {
        b.append(s);
        if (!last) {
            b.append(" ".repeat(w - s.length() + 2));
        }
    }
}
