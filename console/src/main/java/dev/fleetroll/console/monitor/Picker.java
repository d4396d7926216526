package dev.fleetroll.console.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code f} popup: saved (named) filters and recent ones, in two tabs, narrowed by typing (a substring of the
 * name or the query, any case).
 */
public final class Picker {
    /** One choice: a named filter or a recent query. */
    public record Entry(String name, String query, String description) {}

    static final String[] TABS = {"Saved", "Recent"};

    private final List<List<Entry>> tabs;
    final LineEdit search = new LineEdit();
    int tab;
    int selected;
    int top;

    Picker(List<Entry> saved, List<Entry> recent, String activeQuery) {
        this.tabs = List.of(List.copyOf(saved), List.copyOf(recent));
        tab = saved.isEmpty() && !recent.isEmpty() ? 1 : 0;
        // the cursor starts on the active filter, when it is there
        List<Entry> shown = shown();
        for (int i = 0; i < shown.size(); i++) {
            if (shown.get(i).query().equals(activeQuery)) {
                selected = i;
            }
        }
    }

    List<Entry> shown() {
        String q = search.text().toLowerCase(Locale.ROOT);
        List<Entry> out = new ArrayList<>();
        for (Entry e : tabs.get(tab)) {
            if (q.isEmpty() || e.name().toLowerCase(Locale.ROOT).contains(q) || e.query().toLowerCase(Locale.ROOT).contains(q)) {
                out.add(e);
            }
        }
        return out;
    }

    int count(int t) {
        return tabs.get(t).size();
    }

    void switchTab(int delta) {
        tab = Math.floorMod(tab + delta, tabs.size());
        selected = 0;
        top = 0;
    }

    void move(int delta) {
        int n = shown().size();
        selected = n == 0 ? 0 : Math.max(0, Math.min(n - 1, selected + delta));
    }

    void searchChanged() {
        selected = 0;
        top = 0;
    }

    /** The selected entry, or null when nothing matches. */
    Entry current() {
        List<Entry> s = shown();
        return s.isEmpty() ? null : s.get(Math.min(selected, s.size() - 1));
    }
}
