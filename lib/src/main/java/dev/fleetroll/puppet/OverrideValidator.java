package dev.fleetroll.puppet;

import dev.fleetroll.UserError;
import dev.fleetroll.util.EditDistance;
import dev.fleetroll.state.OverrideSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks an override file before it is written to any host (DESIGN.md section 3). An override is a shell fragment
 * that the run-puppet wrapper sources <em>as root on every host</em>, so besides the documented rules this
 * validator accepts only comments and plain one-line assignments: no commands, no command substitution, no
 * variable expansion, no assignments to variables that change how the shell runs ({@code PATH}, {@code IFS},
 * {@code LD_*}, ...).
 *
 * <p>Rules, in the order they are checked (the first failure is reported):
 * <ol>
 *   <li>{@code utf-8}: the bytes are UTF-8;</li>
 *   <li>{@code plain-text}: no NUL or other control characters except tab, no carriage returns (CRLF files set
 *       values ending in {@code \r}), no byte-order mark;</li>
 *   <li>{@code shell-syntax}: {@code bash -n} accepts the file (its line number is reported);</li>
 *   <li>{@code assignments-only}, {@code no-command-substitution}, {@code no-expansion}: each line is blank,
 *       a comment, or {@code [export] NAME=VALUE [# comment]} with VALUE single-quoted, double-quoted without
 *       {@code $ ` \ "}, or a bare word of {@code [A-Za-z0-9_./:@%+,=-]};</li>
 *   <li>{@code reserved-variable}, {@code duplicate-assignment}, {@code known-variable} (a near miss of a known
 *       name such as {@code PUPPET_BRACH});</li>
 *   <li>{@code repo-url}: {@code PUPPET_REPO} starts with {@code https://}, {@code http://} or {@code git@} and
 *       ends in {@code .git}; {@code branch-characters}: {@code PUPPET_BRANCH} only {@code [A-Za-z0-9/_-]};
 *       {@code mail-address}: {@code PUPPET_MAIL} looks like {@code a@b.c}; {@code worker-type-characters}:
 *       {@code WORKER_TYPE_OVERRIDE} only {@code [A-Za-z0-9-]}.</li>
 * </ol>
 */
public final class OverrideValidator {
    private static final String REPO = OverrideFile.REPO;
    private static final String BRANCH = OverrideFile.BRANCH;
    private static final String MAIL = OverrideFile.MAIL;
    private static final String WORKER_TYPE = OverrideFile.WORKER_TYPE;
    private static final List<String> KNOWN = List.of(REPO, BRANCH, MAIL, WORKER_TYPE);

    private static final Set<String> RESERVED = Set.of("PATH", "IFS", "ENV", "BASH_ENV", "CDPATH", "SHELLOPTS",
            "BASHOPTS", "PS4", "PROMPT_COMMAND", "GLOBIGNORE", "HOME", "SHELL", "POSIXLY_CORRECT", "TMPDIR");
    private static final List<String> RESERVED_PREFIXES = List.of("LD_", "DYLD_", "BASH_FUNC");

    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?:export[ \\t]+)?([A-Za-z_][A-Za-z0-9_]*)=('[^']*'|\"[^\"$`\\\\]*\"|[A-Za-z0-9_./:@%+,=-]*)[ \\t]*(?:[ \\t]#.*)?");
    private static final Pattern BASH_LINE = Pattern.compile(": line (\\d+): (.*)$");
    private static final Pattern BRANCH_OK = Pattern.compile("[A-Za-z0-9/_-]+");
    private static final Pattern MAIL_OK = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");
    private static final Pattern WORKER_TYPE_OK = Pattern.compile("[A-Za-z0-9-]+");

    private OverrideValidator() {}

    /** A valid override: its text and what it assigns (every assignment, and the four known settings). */
    public record Checked(String text, Map<String, String> assignments, OverrideSettings settings) {}

    /**
     * Validates {@code content}; {@code source} names the file in messages (the path the operator gave).
     *
     * @throws InvalidFileError naming the line and rule of the first problem
     */
    public static Checked validate(byte[] content, String source) {
        String text = Utf8.decode(content, source);
        checkPlainText(text, source);
        checkSyntax(content, source);
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = ASSIGNMENT.matcher(line);
            if (!m.matches()) {
                throw grammar(line, n, source);
            }
            String name = m.group(1);
            String value = unquote(m.group(2));
            checkName(name, n, source);
            Integer earlier = firstLine.putIfAbsent(name, n);
            if (earlier != null) {
                throw new InvalidFileError(source, n, "duplicate-assignment",
                        name + " is assigned again (first on line " + earlier + "); keep one assignment");
            }
            checkValue(name, value, n, source);
            values.put(name, value);
        }
        OverrideSettings settings = new OverrideSettings(values.get(REPO), values.get(BRANCH), values.get(MAIL), values.get(WORKER_TYPE));
        return new Checked(text, values, settings);
    }

    private static void checkPlainText(String text, String source) {
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
            } else if (c == '\r') {
                throw new InvalidFileError(source, line, "plain-text",
                        "carriage return (Windows line ending) would end up in the value; save with LF line endings");
            } else if (c == '\uFEFF') {
                throw new InvalidFileError(source, line, "plain-text", "byte-order mark; save as UTF-8 without BOM");
            } else if (c != '\t' && (c < 0x20 || c == 0x7f)) {
                throw new InvalidFileError(source, line, "plain-text",
                        String.format("control character U+%04X; an override is plain text", (int) c));
            }
        }
    }

    /** {@code bash -n} on a private copy of the bytes. */
    private static void checkSyntax(byte[] content, String source) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("fleetroll-override-", ".sh");
            Files.write(tmp, content);
            ProcessBuilder pb = new ProcessBuilder("bash", "-n", tmp.toString()).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("BASH") || k.equals("ENV"));
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new UserError("bash -n did not finish checking " + source);
            }
            if (p.exitValue() != 0) {
                String msg = new String(out, StandardCharsets.UTF_8).replace(tmp.toString(), source);
                int line = 0;
                String why = msg.lines().findFirst().orElse("exit " + p.exitValue()).strip();
                for (String l : msg.lines().toList()) {
                    Matcher m = BASH_LINE.matcher(l);
                    if (m.find()) {
                        line = Integer.parseInt(m.group(1));
                        why = m.group(2).strip();
                        break;
                    }
                }
                throw new InvalidFileError(source, line, "shell-syntax", "bash -n: " + printable(why));
            }
        } catch (IOException e) {
            throw new UserError("cannot run 'bash -n' to check " + source + ": " + e.getMessage() + " (is bash installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while checking " + source, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temp file left behind holds nothing secret (overrides are not secret)
                }
            }
        }
    }

    private static InvalidFileError grammar(String line, int n, String source) {
        if (line.contains("$(") || line.contains("`")) {
            return new InvalidFileError(source, n, "no-command-substitution",
                    "command substitution ($(...) or backticks) is not allowed: the file is sourced as root on every host");
        }
        if (line.matches("(?:export[ \\t]+)?[A-Za-z_][A-Za-z0-9_]*=.*") && line.contains("$")) {
            return new InvalidFileError(source, n, "no-expansion",
                    "'$' expansion is not allowed in a value; write the value literally in single quotes");
        }
        if (line.matches("(?:export[ \\t]+)?[A-Za-z_][A-Za-z0-9_]*=.*")) {
            return new InvalidFileError(source, n, "assignments-only",
                    "one assignment per line, NAME='value' with nothing after it but a comment"
                            + " (the file is sourced as root on every host)");
        }
        return new InvalidFileError(source, n, "assignments-only",
                "only comments and NAME='value' assignments are allowed, found '" + printable(abbreviate(line)) + "'"
                        + " (the file is sourced as root on every host)");
    }

    private static void checkName(String name, int n, String source) {
        if (RESERVED.contains(name) || RESERVED_PREFIXES.stream().anyMatch(name::startsWith)) {
            throw new InvalidFileError(source, n, "reserved-variable",
                    "assigning " + name + " would change how the run-puppet wrapper runs as root; not allowed in an override");
        }
        if (!KNOWN.contains(name)) {
            for (String k : KNOWN) {
                if (EditDistance.between(name, k) <= 2) {
                    throw new InvalidFileError(source, n, "known-variable",
                            name + " looks like a misspelling of " + k + " (the wrapper would ignore it)");
                }
            }
        }
    }

    private static void checkValue(String name, String value, int n, String source) {
        switch (name) {
            case REPO -> {
                if (!(value.startsWith("https://") || value.startsWith("http://") || value.startsWith("git@"))
                        || !value.endsWith(".git") || value.chars().anyMatch(Character::isWhitespace)) {
                    throw new InvalidFileError(source, n, "repo-url", REPO + " '" + printable(value)
                            + "' must start with https://, http:// or git@ and end in .git");
                }
            }
            case BRANCH -> {
                if (!BRANCH_OK.matcher(value).matches()) {
                    throw new InvalidFileError(source, n, "branch-characters", BRANCH + " '" + printable(value)
                            + "' may contain only letters, digits, '/', '_' and '-'" + (value.isEmpty() ? " (it is empty)" : ""));
                }
            }
            case MAIL -> {
                if (!MAIL_OK.matcher(value).matches()) {
                    throw new InvalidFileError(source, n, "mail-address", MAIL + " '" + printable(value)
                            + "' does not look like an e-mail address (name@example.com)");
                }
            }
            case WORKER_TYPE -> {
                if (!WORKER_TYPE_OK.matcher(value).matches()) {
                    throw new InvalidFileError(source, n, "worker-type-characters", WORKER_TYPE + " '" + printable(value)
                            + "' may contain only letters, digits and '-'");
                }
            }
            default -> {
                // other assignments are allowed as long as they are plain (checked above)
            }
        }
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'") || v.startsWith("\"") && v.endsWith("\""))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** Keeps messages on one line: control characters become {@code ?}. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }
}
