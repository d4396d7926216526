package dev.fleetroll.console.monitor;

import dev.fleetroll.state.Column;
import dev.fleetroll.state.Columns;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** The {@code ?} overlay: the keys, then every column and filter key with what it means. */
final class MonitorHelp {
    static final String[][] KEYS = {
        {"↑ ↓  k j", "scroll one row"},
        {"PgUp PgDn  space", "scroll one page"},
        {"Home End  g G", "first / last row"},
        {"← →  h l", "scroll the columns sideways (HOST stays)"},
        {"/", "filter: Enter applies, Esc cancels, ↑↓ history, Ctrl-U clears"},
        {"\\", "clear the filter"},
        {"f", "pick a saved (configs/filters) or recent filter"},
        {"s  S", "next sort column / reverse the order"},
        {"r  Ctrl-L", "redraw"},
        {"?", "this help (any key closes it)"},
        {"q", "quit"},
    };

    private MonitorHelp() {}

    static List<AttributedString> lines() {
        List<AttributedString> out = new ArrayList<>();
        out.add(new AttributedString("Keys", AttributedStyle.BOLD));
        for (String[] k : KEYS) {
            out.add(new AttributedStringBuilder().append("  ").style(AttributedStyle.BOLD)
                    .append(MonitorFrame.fit(k[0], 18, false)).style(AttributedStyle.DEFAULT).append(k[1]).toAttributedString());
        }
        out.add(AttributedString.EMPTY);
        out.add(new AttributedString("Columns and filter keys (filter: COL OP VALUE, e.g. role~talos pp_last>20h sort:pp_last:desc)",
                AttributedStyle.BOLD));
        for (Column c : Columns.standard().all()) {
            out.add(new AttributedStringBuilder().append("  ").style(AttributedStyle.BOLD)
                    .append(MonitorFrame.fit(c.displayed() ? c.label() : c.name(), 18, false)).style(AttributedStyle.DEFAULT)
                    .append(c.description()).toAttributedString());
        }
        return out;
    }
}
