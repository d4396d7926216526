package dev.fleetroll.console.monitor;

import dev.fleetroll.monitor.Tone;
import org.jline.utils.AttributedStyle;

/**
 * How the terminal shows a {@link Tone}: the one mapping from tones to colours for the live monitor and for coloured
 * tables. Categories (roles, branches, vault names) get a colour chosen by their value, so equal values look alike in
 * every pane and every run.
 */
public final class ToneStyles {
    /** Distinct, readable 256-colour foregrounds for categories (no red/green/yellow: those carry verdicts). */
    private static final int[] PALETTE = {33, 39, 45, 51, 69, 75, 81, 99, 105, 111, 117, 135, 141, 147, 153, 171, 177,
        183, 207, 213, 219, 37, 67, 103, 139, 175};
    private static final int[] PALETTE_8 = {AttributedStyle.BLUE, AttributedStyle.MAGENTA, AttributedStyle.CYAN};

    private ToneStyles() {}

    /**
     * The style of a cell with {@code tone} and text {@code value}.
     *
     * @param colours how many colours the terminal has (0 or 1: none, 8, 256, ...)
     */
    public static AttributedStyle of(Tone tone, String value, int colours) {
        if (colours < 8) {
            return tone == Tone.BAD ? AttributedStyle.BOLD : AttributedStyle.DEFAULT;
        }
        return switch (tone) {
            case PLAIN -> AttributedStyle.DEFAULT;
            case GOOD -> AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
            case WARN -> AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
            case BAD -> AttributedStyle.BOLD.foreground(AttributedStyle.RED);
            case CATEGORY -> category(value, colours);
        };
    }

    private static AttributedStyle category(String value, int colours) {
        if (value == null || value.equals("-")) {
            return AttributedStyle.DEFAULT;
        }
        int h = value.hashCode() * 0x9E3779B9;
        if (colours >= 256) {
            return AttributedStyle.DEFAULT.foreground(PALETTE[Math.floorMod(h >>> 7, PALETTE.length)]);
        }
        return AttributedStyle.DEFAULT.foreground(PALETTE_8[Math.floorMod(h >>> 7, PALETTE_8.length)]);
    }
}
