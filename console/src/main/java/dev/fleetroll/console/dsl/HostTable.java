package dev.fleetroll.console.dsl;

import dev.fleetroll.UserError;
import dev.fleetroll.state.Column;
import dev.fleetroll.state.Columns;
import dev.fleetroll.state.HostState;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders host states as the monitor's plain table (two spaces between columns, like {@code host-monitor --once}).
 * Column definitions live in {@code lib} ({@link Columns}); this is only the rendering. With colour on, the header
 * is bold and problem cells (failed Puppet runs, unreachable hosts, not applied) are red.
 */
public final class HostTable {
    private static final String BOLD = "\033[1m";
    private static final String RED = "\033[31m";
    private static final String RESET = "\033[0m";

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
        b.append(colour ? BOLD + header.toString().stripTrailing() + RESET : header.toString().stripTrailing()).append('\n');
        for (int r = 0; r < rows; r++) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns.size(); c++) {
                String cell = cells[r][c];
                boolean last = c == columns.size() - 1;
                if (colour && bad(columns.get(c), states.get(r), cell)) {
                    line.append(RED).append(cell).append(RESET);
                    if (!last) {
                        line.append(" ".repeat(width[c] - cell.length() + 2));
                    }
                } else {
                    pad(line, cell, width[c], last);
                }
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        if (rows < states.size()) {
            b.append("... ").append(states.size() - rows).append(" more (").append(states.size())
                    .append(" hosts; .show() prints all)\n");
        }
        return b.toString();
    }

    private static boolean bad(Column c, HostState s, String cell) {
        return switch (c.name()) {
            case "pp_last" -> cell.endsWith("FAIL");
            case "applied" -> cell.equals("N");
            case "ssh" -> !cell.equals("ok") && !cell.equals("-");
            default -> false;
        };
    }

    private static void pad(StringBuilder b, String s, int w, boolean last) {
        b.append(s);
        if (!last) {
            b.append(" ".repeat(w - s.length() + 2));
        }
    }
}
