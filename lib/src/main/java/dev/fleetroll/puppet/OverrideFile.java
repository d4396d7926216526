package dev.fleetroll.puppet;

import dev.fleetroll.state.OverrideSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An override file ({@code ronin_settings}): a shell fragment the run-puppet wrapper sources. This reads its
 * variable assignments the way {@code sh} would for the forms such files use — {@code NAME=value},
 * {@code export NAME=value}, values single-quoted, double-quoted (with {@code \\ \" \$ \`} escapes) or bare, or
 * a concatenation of those; {@code #} comments (so a commented-out assignment does not count); several
 * assignments on one line separated by {@code ;}; the last assignment of a name wins. Parameter expansions
 * ({@code $X}) are kept literally: nothing is evaluated.
 *
 * <p>Only parsing lives here. Validation of a file before it is written to hosts is a separate concern that
 * builds on {@link #assignments()} (each carries its line number for messages).
 *
 * @param assignments every assignment in file order
 */
public record OverrideFile(List<Assignment> assignments) {
    public static final String REPO = "PUPPET_REPO";
    public static final String BRANCH = "PUPPET_BRANCH";
    public static final String MAIL = "PUPPET_MAIL";
    public static final String WORKER_TYPE = "WORKER_TYPE_OVERRIDE";

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern GITHUB = Pattern.compile(
            "^(?:(?:https?|git|ssh)://(?:[^@/]+@)?github\\.com(?::\\d+)?/|git@github\\.com:)"
                    + "([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\\.git)?/?$");

    /**
     * One assignment.
     *
     * @param name variable name
     * @param value the value after quote removal
     * @param line 1-based line where the assignment starts
     * @param quoted true when any part of the value was quoted
     */
    public record Assignment(String name, String value, int line, boolean quoted) {}

    public OverrideFile {
        assignments = List.copyOf(assignments);
    }

    /** Parses {@code text}; never throws (an unterminated quote ends at the end of the file, as far as this goes). */
    public static OverrideFile parse(String text) {
        return new Parser(text).parse();
    }

    /** The last value assigned to {@code name}, if any. */
    public Optional<String> value(String name) {
        String v = null;
        for (Assignment a : assignments) {
            if (a.name().equals(name)) {
                v = a.value();
            }
        }
        return Optional.ofNullable(v);
    }

    /** Final value of every assigned name, in order of first assignment. */
    public Map<String, String> values() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Assignment a : assignments) {
            out.put(a.name(), a.value());
        }
        return out;
    }

    /** The four settings fleetroll cares about (each null when not assigned). */
    public OverrideSettings settings() {
        return new OverrideSettings(value(REPO).orElse(null), value(BRANCH).orElse(null), value(MAIL).orElse(null),
                value(WORKER_TYPE).orElse(null));
    }

    /**
     * {@code OWNER/REPO} of a GitHub repository URL: {@code https://github.com/OWNER/REPO(.git)},
     * {@code git@github.com:OWNER/REPO.git}, {@code ssh://git@github.com/OWNER/REPO.git}; empty for anything else.
     */
    public static Optional<String> ownerRepo(String repoUrl) {
        if (repoUrl == null) {
            return Optional.empty();
        }
        Matcher m = GITHUB.matcher(repoUrl.strip());
        return m.matches() ? Optional.of(m.group(1) + "/" + m.group(2)) : Optional.empty();
    }

    /**
     * The ref key whose head is the expected sha, {@code OWNER/REPO:BRANCH}; empty when the repo is not a GitHub
     * URL or the branch is missing.
     */
    public static Optional<String> refKey(OverrideSettings settings) {
        if (settings == null || settings.branch() == null || settings.branch().isBlank()) {
            return Optional.empty();
        }
        return ownerRepo(settings.repo()).map(r -> r + ":" + settings.branch());
    }

    private static final class Parser {
        private final String s;
        private int i;
        private int line = 1;
        private final List<Assignment> out = new ArrayList<>();

        Parser(String s) {
            this.s = s;
        }

        OverrideFile parse() {
            while (i < s.length()) {
                skipBlanks();
                if (i >= s.length()) {
                    break;
                }
                char c = s.charAt(i);
                if (c == '\n') {
                    line++;
                    i++;
                } else if (c == ';') {
                    i++;
                } else if (c == '#') {
                    skipToEol();
                } else {
                    statement();
                }
            }
            return new OverrideFile(out);
        }

        /** A simple command: leading assignments are recorded, anything else is skipped to the line's end. */
        private void statement() {
            if (s.startsWith("export", i) && i + 6 < s.length() && (s.charAt(i + 6) == ' ' || s.charAt(i + 6) == '\t')) {
                i += 6;
                skipBlanks();
            }
            while (true) {
                Matcher m = NAME.matcher(s).region(i, s.length());
                if (!m.lookingAt() || m.end() >= s.length() || s.charAt(m.end()) != '=') {
                    break;
                }
                String name = m.group();
                int startLine = line;
                i = m.end() + 1;
                boolean[] quoted = {false};
                String value = word(quoted);
                out.add(new Assignment(name, value, startLine, quoted[0]));
                skipBlanks();
                if (i >= s.length() || s.charAt(i) == '\n' || s.charAt(i) == ';' || s.charAt(i) == '#') {
                    return;
                }
            }
            skipToEol();
        }

        /** One shell word starting at {@code i}: quote removal, no expansion; stops at unquoted blank, ; or newline. */
        private String word(boolean[] quoted) {
            StringBuilder b = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|') {
                    break;
                }
                if (c == '\'') {
                    quoted[0] = true;
                    int end = s.indexOf('\'', i + 1);
                    if (end < 0) {
                        end = s.length();
                    }
                    String part = s.substring(i + 1, end);
                    line += count(part, '\n');
                    b.append(part);
                    i = Math.min(s.length(), end + 1);
                } else if (c == '"') {
                    quoted[0] = true;
                    i++;
                    while (i < s.length() && s.charAt(i) != '"') {
                        char d = s.charAt(i);
                        if (d == '\\' && i + 1 < s.length() && "\\\"$`\n".indexOf(s.charAt(i + 1)) >= 0) {
                            escaped(b);
                        } else {
                            if (d == '\n') {
                                line++;
                            }
                            b.append(d);
                            i++;
                        }
                    }
                    i = Math.min(s.length(), i + 1);
                } else if (c == '\\' && i + 1 < s.length()) {
                    escaped(b);
                } else {
                    b.append(c);
                    i++;
                }
            }
            return b.toString();
        }

        /** The backslash at {@code i} escapes the next character: a newline continues the line, else it is literal. */
        private void escaped(StringBuilder b) {
            char e = s.charAt(i + 1);
            if (e == '\n') {
                line++;
            } else {
                b.append(e);
            }
            i += 2;
        }

        private void skipBlanks() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\r')) {
                i++;
            }
        }

        private void skipToEol() {
            int nl = s.indexOf('\n', i);
            i = nl < 0 ? s.length() : nl;
        }

        private static int count(String text, char c) {
            int n = 0;
            for (int k = 0; k < text.length(); k++) {
                if (text.charAt(k) == c) {
                    n++;
                }
            }
            return n;
        }
    }
}
