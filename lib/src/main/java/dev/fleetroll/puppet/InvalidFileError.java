package dev.fleetroll.puppet;

import dev.fleetroll.UserError;

/**
 * An override or vault file that fails validation: nothing was written anywhere. The message is one line naming
 * the file, the line and the rule, e.g. {@code x.override: line 3: PUPPET_BRANCH 'a.b' may contain only letters,
 * digits, '/', '_' and '-' [rule branch-characters]}.
 *
 * @see OverrideValidator
 * @see VaultValidator
 */
public class InvalidFileError extends UserError {
    private final String source;
    private final int line;
    private final String rule;

    public InvalidFileError(String source, int line, String rule, String explanation) {
        super(source + ": " + (line > 0 ? "line " + line + ": " : "") + explanation + " [rule " + rule + "]");
        this.source = source;
        this.line = line;
        this.rule = rule;
    }

    /** The file as the operator named it. */
    public String source() {
        return source;
    }

    /** 1-based line of the problem; 0 when it concerns the whole file. */
    public int line() {
        return line;
    }

    /** A short stable rule id ({@code utf-8}, {@code shell-syntax}, {@code branch-characters}, ...). */
    public String rule() {
        return rule;
    }
}
