package dev.fleetroll.console.monitor;

/** The text and cursor of a one-line editor (the monitor's filter bar and the picker's search). */
final class LineEdit {
    private final StringBuilder text = new StringBuilder();
    private int cursor;

    String text() {
        return text.toString();
    }

    int cursor() {
        return cursor;
    }

    void set(String s) {
        text.setLength(0);
        text.append(s == null ? "" : s);
        cursor = text.length();
    }

    void insert(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= ' ' && c != 127) {
                text.insert(cursor++, c);
            }
        }
    }

    void backspace() {
        if (cursor > 0) {
            text.deleteCharAt(--cursor);
        }
    }

    void delete() {
        if (cursor < text.length()) {
            text.deleteCharAt(cursor);
        }
    }

    void left() {
        cursor = Math.max(0, cursor - 1);
    }

    void right() {
        cursor = Math.min(text.length(), cursor + 1);
    }

    void home() {
        cursor = 0;
    }

    void end() {
        cursor = text.length();
    }

    /** Ctrl-U: everything before the cursor goes. */
    void killToStart() {
        text.delete(0, cursor);
        cursor = 0;
    }
}
