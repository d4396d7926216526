package dev.fleetroll.console.monitor;

/**
 * One decoded key press of the monitor.
 *
 * @param key what was pressed
 * @param text the character(s) typed, for {@link Key#CHAR}
 */
record KeyEvent(Key key, String text) {
    enum Key { CHAR, ENTER, ESC, UP, DOWN, LEFT, RIGHT, PAGE_UP, PAGE_DOWN, HOME, END, BACKSPACE, DELETE, TAB, CTRL_A,
        CTRL_E, CTRL_U, CTRL_L, CTRL_C }

    static KeyEvent of(Key key) {
        return new KeyEvent(key, "");
    }

    static KeyEvent ch(String text) {
        return new KeyEvent(Key.CHAR, text);
    }

    boolean is(char c) {
        return key == Key.CHAR && text.length() == 1 && text.charAt(0) == c;
    }
}
