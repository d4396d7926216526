package dev.fleetroll.console.monitor;

import dev.fleetroll.UserError;
import dev.fleetroll.monitor.MonitorView;
import dev.fleetroll.state.Column;
import dev.fleetroll.state.Columns;
import dev.fleetroll.state.HostState;
import dev.fleetroll.state.Query;
import dev.fleetroll.state.QueryError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The live monitor's state and what each key does to it, apart from any terminal: the active filter, the sort, the
 * scroll position, the filter bar being edited, the help and picker overlays, and the one-line status message.
 * {@link MonitorScreen} feeds it keys and host states; {@link MonitorFrame} draws it.
 */
final class MonitorUi {
    enum Mode { TABLE, FILTER, HELP, PICKER }

    /** What {@code s} cycles through (the query's own {@code sort:} wins while it has one). */
    static final List<String> SORTS = List.of("host", "role", "ovr_bch", "pp_last", "data", "tc_act", "uptime", "note");
    private static final Duration STATUS_FOR = Duration.ofSeconds(3);

    private final FilterHistory history;
    private final Supplier<List<Picker.Entry>> savedFilters;

    Query query;
    /** The base sort column (the query's own {@code sort:} wins while it has one). */
    String sortColumn = SORTS.get(0);
    boolean descending;
    MonitorView view;
    List<Column> columns = List.of();
    /** Column widths seen since the filter last changed: they only grow, so columns do not jump while scrolling. */
    final Map<String, Integer> widths = new HashMap<>();
    int top;
    int colOffset;
    int pageRows = 20;
    Mode mode = Mode.TABLE;
    final LineEdit edit = new LineEdit();
    private int historyIndex = -1;
    private String draft = "";
    Picker picker;
    String status;
    boolean statusBad;
    /** Where in the filter bar the last error points (-1: nowhere). */
    int errorAt = -1;
    private Instant statusUntil = Instant.MIN;
    boolean quit;
    /** The domain every watched host name ends with ({@code .test.releng.mdc1.mozilla.com}), or empty. */
    String domain = "";
    /** The rows must be computed again (the filter or sort changed). */
    boolean rebuild = true;

    MonitorUi(Query initial, String sort, FilterHistory history, Supplier<List<Picker.Entry>> savedFilters) {
        this.query = initial;
        this.history = history;
        this.savedFilters = savedFilters;
        setSort(sort);
    }

    private void setSort(String spec) {
        if (spec == null || spec.isBlank()) {
            return;
        }
        List<Query.SortKey> keys = Query.parseSort(spec, Columns.standard());
        sortColumn = keys.get(0).column().name();
        descending = keys.get(0).descending();
    }

    String sortSpec() {
        return sortColumn + (descending ? ":desc" : "") + (sortColumn.equals("host") ? "" : ",host");
    }

    /** Recomputes the rows from every watched host's state. */
    void update(List<HostState> all, Instant now) {
        view = MonitorView.of(all, query, sortSpec(), now);
        columns = Columns.standard().displayedFor(all);
        domain = commonDomain(all);
        top = Math.max(0, Math.min(top, Math.max(0, view.rows().size() - pageRows)));
        rebuild = false;
    }

    /** The longest {@code .a.b} suffix all names share, starting at a dot; empty for one host or none shared. */
    static String commonDomain(List<HostState> all) {
        if (all.size() < 2) {
            return "";
        }
        String first = all.get(0).name();
        int dot = first.indexOf('.');
        String suffix = dot < 0 ? "" : first.substring(dot);
        for (HostState s : all) {
            while (!suffix.isEmpty() && !(s.name().endsWith(suffix) && s.name().length() > suffix.length())) {
                int next = suffix.indexOf('.', 1);
                suffix = next < 0 ? "" : suffix.substring(next);
            }
        }
        return suffix;
    }

    /** The status message, while it lasts. */
    String status(Instant now) {
        if (status != null && now.isAfter(statusUntil)) {
            status = null;
            errorAt = -1;
        }
        return status;
    }

    void say(String message, boolean bad, Instant now) {
        status = message;
        statusBad = bad;
        statusUntil = now.plus(bad ? STATUS_FOR.multipliedBy(2) : STATUS_FOR);
    }

    /** Handles one key; returns true when the screen must be drawn again. */
    boolean handle(KeyEvent k, Instant now) {
        return switch (mode) {
            case TABLE -> table(k, now);
            case FILTER -> filterBar(k, now);
            case HELP -> {
                mode = Mode.TABLE; // any key closes the help
                yield true;
            }
            case PICKER -> picker(k, now);
        };
    }

    private boolean table(KeyEvent k, Instant now) {
        int rows = view == null ? 0 : view.rows().size();
        int maxTop = Math.max(0, rows - pageRows);
        switch (k.key()) {
            case UP -> top = Math.max(0, top - 1);
            case DOWN -> top = Math.min(maxTop, top + 1);
            case PAGE_UP -> top = Math.max(0, top - pageRows);
            case PAGE_DOWN -> top = Math.min(maxTop, top + pageRows);
            case HOME -> top = 0;
            case END -> top = maxTop;
            case LEFT -> colOffset = Math.max(0, colOffset - 1);
            case RIGHT -> colOffset = Math.min(Math.max(0, columns.size() - 2), colOffset + 1);
            case CTRL_L, ENTER -> { /* redraw */ }
            case CTRL_C -> quit = true;
            case CHAR -> {
                return tableChar(k, now, maxTop);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean tableChar(KeyEvent k, Instant now, int maxTop) {
        switch (k.text()) {
            case "q", "Q" -> quit = true;
            case "?" -> mode = Mode.HELP;
            case "k" -> top = Math.max(0, top - 1);
            case "j" -> top = Math.min(maxTop, top + 1);
            case "g" -> top = 0;
            case "G" -> top = maxTop;
            case "h" -> colOffset = Math.max(0, colOffset - 1);
            case "l" -> colOffset = Math.min(Math.max(0, columns.size() - 2), colOffset + 1);
            case " " -> top = Math.min(maxTop, top + pageRows);
            case "r" -> { /* redraw */ }
            case "/" -> {
                mode = Mode.FILTER;
                edit.set(query.text());
                historyIndex = -1;
                errorAt = -1;
            }
            case "\\" -> {
                if (!query.text().isBlank()) {
                    history.add(query.text());
                }
                apply(Query.parse("", Columns.standard()));
                say("filter cleared", false, now);
            }
            case "f" -> openPicker();
            case "s", "S" -> {
                if (query.hasSort()) {
                    say("the filter sorts (sort:...): edit it with / to change the order", true, now);
                } else if (k.text().equals("s")) {
                    sortColumn = SORTS.get((SORTS.indexOf(sortColumn) + 1) % SORTS.size());
                    descending = false;
                    rebuild = true;
                    say("sort: " + sortColumn, false, now);
                } else {
                    descending = !descending;
                    rebuild = true;
                    say("sort: " + sortColumn + (descending ? " descending" : " ascending"), false, now);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean filterBar(KeyEvent k, Instant now) {
        switch (k.key()) {
            case CHAR -> edit.insert(k.text());
            case BACKSPACE -> edit.backspace();
            case DELETE -> edit.delete();
            case LEFT -> edit.left();
            case RIGHT -> edit.right();
            case HOME, CTRL_A -> edit.home();
            case END, CTRL_E -> edit.end();
            case CTRL_U -> edit.killToStart();
            case UP -> browse(1);
            case DOWN -> browse(-1);
            case ESC, CTRL_C -> {
                mode = Mode.TABLE;
                errorAt = -1;
            }
            case ENTER -> {
                try {
                    Query q = Query.parse(edit.text(), Columns.standard());
                    apply(q);
                    history.add(q.text());
                    mode = Mode.TABLE;
                    status = null;
                    errorAt = -1;
                } catch (UserError e) {
                    say(e.getMessage(), true, now);
                    errorAt = errorPosition(e);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Where a query error points in the text, when it says so; -1 otherwise. */
    static int errorPosition(UserError e) {
        return e instanceof QueryError q ? q.position() : -1;
    }

    /** Up: older entries; down: newer, then back to what was being typed. */
    private void browse(int delta) {
        List<String> entries = history.entries();
        if (entries.isEmpty()) {
            return;
        }
        if (historyIndex == -1) {
            draft = edit.text();
        }
        historyIndex = Math.max(-1, Math.min(entries.size() - 1, historyIndex + delta));
        edit.set(historyIndex == -1 ? draft : entries.get(historyIndex));
    }

    /** Where the history browse stands: -1 at the draft. */
    int historyIndex() {
        return historyIndex;
    }

    private void openPicker() {
        List<Picker.Entry> recent = new ArrayList<>();
        for (String q : history.entries()) {
            recent.add(new Picker.Entry(q, q, ""));
        }
        picker = new Picker(savedFilters.get(), recent, query.text());
        mode = Mode.PICKER;
    }

    private boolean picker(KeyEvent k, Instant now) {
        Picker p = picker;
        switch (k.key()) {
            case ESC, CTRL_C -> mode = Mode.TABLE;
            case UP -> p.move(-1);
            case DOWN -> p.move(1);
            case PAGE_UP -> p.move(-10);
            case PAGE_DOWN -> p.move(10);
            case HOME -> p.move(Integer.MIN_VALUE / 2);
            case END -> p.move(Integer.MAX_VALUE / 2);
            case LEFT -> p.switchTab(-1);
            case RIGHT, TAB -> p.switchTab(1);
            case BACKSPACE -> {
                p.search.backspace();
                p.searchChanged();
            }
            case CTRL_U -> {
                p.search.set("");
                p.searchChanged();
            }
            case ENTER -> {
                Picker.Entry e = p.current();
                if (e == null) {
                    say("no filter matches '" + p.search.text() + "'", true, now);
                    return true;
                }
                try {
                    apply(Query.parse(e.query(), Columns.standard()));
                    history.add(e.query());
                    mode = Mode.TABLE;
                    say("filter " + e.name(), false, now);
                } catch (UserError err) {
                    say(e.name() + ": " + err.getMessage(), true, now);
                }
            }
            case CHAR -> {
                if (k.is('f') && p.search.text().isEmpty()) {
                    mode = Mode.TABLE;
                } else {
                    p.search.insert(k.text());
                    p.searchChanged();
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void apply(Query q) {
        query = q;
        top = 0;
        widths.clear();
        rebuild = true;
    }
}
