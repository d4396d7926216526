package dev.fleetroll.util;

import java.util.regex.Pattern;

/**
 * Terminal output made safe to keep and to print again: what a remote command wrote on a pty, cleaned of every
 * escape sequence that could move the cursor, retitle the window, switch character sets or clear the screen of the
 * operator's terminal, while keeping colours (SGR, {@code ESC [ ... m}) unless asked for plain text.
 *
 * <p>Removed: CSI sequences other than SGR, OSC sequences (ended by BEL or ST), character-set designators
 * ({@code ESC ( B} and kin), other two-byte escapes, and control characters other than tab and newline. Line ends are
 * normalised: {@code \r\n} becomes {@code \n}, and a line redrawn with bare {@code \r} (progress bars) keeps what was
 * drawn last.
 */
public final class Ansi {
    private Ansi() {}

    private static final Pattern OSC = Pattern.compile("\u001b\\][^\u0007\u001b]*(?:\u0007|\u001b\\\\)?");
    private static final Pattern CSI = Pattern.compile("\u001b\\[([0-?]*)([ -/]*)([@-~])");
    private static final Pattern CHARSET = Pattern.compile("\u001b[()*+\\-./][ -~]");
    private static final Pattern OTHER_ESC = Pattern.compile("\u001b[ -/]*[0-~]?");
    /** Control characters other than tab, newline and CR (CRs are resolved by {@link #lines}). */
    private static final Pattern CONTROL = Pattern.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f\u007f]");
    private static final Pattern SGR = Pattern.compile("\u001b\\[[0-9;:]*m");

    /** Cleans {@code text}, keeping SGR colour sequences. */
    public static String sanitize(String text) {
        if (text == null || text.isEmpty()) {
            return text == null ? "" : text;
        }
        String s = OSC.matcher(text).replaceAll("");
        s = CSI.matcher(s).replaceAll(m -> m.group(3).equals("m") && m.group(2).isEmpty()
                && m.group(1).matches("[0-9;:]*") ? java.util.regex.Matcher.quoteReplacement(m.group()) : "");
        s = CHARSET.matcher(s).replaceAll("");
        // what is left starting with ESC is not SGR (those start "ESC [" and were kept above): protect SGR, drop the rest
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        java.util.regex.Matcher sgr = SGR.matcher(s);
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\u001b') {
                if (sgr.find(i) && sgr.start() == i) {
                    out.append(sgr.group());
                    i = sgr.end();
                    continue;
                }
                java.util.regex.Matcher o = OTHER_ESC.matcher(s);
                o.region(i, s.length());
                i = o.lookingAt() ? o.end() : i + 1;
                continue;
            }
            out.append(c);
            i++;
        }
        return lines(CONTROL.matcher(out.toString().replace("\r\n", "\n")).replaceAll(""));
    }

    /** Cleans {@code text} and drops colours too: for JSON, logs and terminals without colour. */
    public static String plain(String text) {
        return SGR.matcher(sanitize(text)).replaceAll("");
    }

    /** A line redrawn with bare CRs keeps its last drawing. */
    private static String lines(String s) {
        if (s.indexOf('\r') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (String line : s.split("\n", -1)) {
            String trimmed = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            int cr = trimmed.lastIndexOf('\r');
            b.append(cr < 0 ? trimmed : trimmed.substring(cr + 1)).append('\n');
        }
        b.setLength(b.length() - 1);
        return b.toString();
    }
}
