package dev.fleetroll.console.progress;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import org.jline.utils.Curses;
import org.jline.utils.InfoCmp;
import org.jline.utils.InfoCmp.Capability;

/**
 * How to redraw one status line on a terminal, from its terminfo capabilities (JLine's bundled descriptions, so no
 * {@code infocmp} process is started): go to the line's start ({@code carriage_return}) and clear to its end
 * ({@code clr_eol}). A terminal without {@code clr_eol} (dumb) gets the old text overwritten with spaces instead.
 */
public record LineControl(String lineStart, String clearToEnd) {
    /** For the terminal named by {@code $TERM} ({@code term}); unknown names fall back to a close relative. */
    public static LineControl forTerm(String term) {
        Map<Capability, String> caps = capabilities(term);
        String cr = expand(caps.get(Capability.carriage_return));
        String el = expand(caps.get(Capability.clr_eol));
        return new LineControl(cr == null || cr.isEmpty() ? "\r" : cr, el == null || el.isEmpty() ? null : el);
    }

    /**
     * The text that replaces what is on the status line with {@code text}, given the width of what was drawn last.
     */
    public String redraw(String text, int previousWidth) {
        if (clearToEnd != null) {
            return lineStart + text + clearToEnd;
        }
        return lineStart + text + " ".repeat(Math.max(0, previousWidth - text.length()));
    }

    /** The text that leaves the status line empty, cursor at its start. */
    public String erase(int previousWidth) {
        if (clearToEnd != null) {
            return lineStart + clearToEnd;
        }
        return lineStart + " ".repeat(previousWidth) + lineStart;
    }

    private static Map<Capability, String> capabilities(String term) {
        String caps = InfoCmp.getLoadedInfoCmp(relative(term));
        Map<Capability, String> strings = new HashMap<>();
        if (caps != null) {
            InfoCmp.parseInfoCmp(caps, new HashSet<>(), new HashMap<>(), strings);
        }
        return strings;
    }

    /** The bundled description to use for {@code term}: itself when JLine has it, else the closest family. */
    static String relative(String term) {
        String t = term == null ? "" : term.strip().toLowerCase(Locale.ROOT);
        if (t.isEmpty() || t.startsWith("dumb")) {
            return "dumb";
        }
        if (InfoCmp.getLoadedInfoCmp(t) != null) {
            return t;
        }
        if (t.startsWith("screen") || t.startsWith("tmux")) {
            return t.contains("256") ? "screen-256color" : "screen";
        }
        return t.contains("256") ? "xterm-256color" : "ansi";
    }

    private static String expand(String capability) {
        if (capability == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        try {
            Curses.tputs(b, capability);
        } catch (RuntimeException e) {
            return null;
        }
        return b.toString();
    }
}
