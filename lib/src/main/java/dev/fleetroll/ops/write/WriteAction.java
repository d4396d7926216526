package dev.fleetroll.ops.write;

import dev.fleetroll.remote.ManagedFile;
import java.util.List;

/** The three writes, with their audit action names and the options each accepts (DSL named arguments). */
public enum WriteAction {
    OVERRIDE_SET("override.set", "setOverride", "set override", ManagedFile.OVERRIDE, false,
            List.of("reason", "mode", "owner", "group", "backup", "force", "path", "reaudit", "timeout")),
    OVERRIDE_UNSET("override.unset", "unsetOverride", "remove override", ManagedFile.OVERRIDE, true,
            List.of("reason", "backup", "path", "onlyIfSha", "reaudit", "timeout")),
    VAULT_SET("vault.set", "setVault", "set vault", ManagedFile.VAULT, false,
            List.of("reason", "mode", "owner", "group", "backup", "path", "reaudit", "timeout"));

    private final String auditName;
    private final String verb;
    private final String title;
    private final ManagedFile file;
    private final boolean removal;
    private final List<String> options;

    WriteAction(String auditName, String verb, String title, ManagedFile file, boolean removal, List<String> options) {
        this.auditName = auditName;
        this.verb = verb;
        this.title = title;
        this.file = file;
        this.removal = removal;
        this.options = options;
    }

    /** The audit log's {@code action}: {@code override.set}, {@code override.unset}, {@code vault.set}. */
    public String auditName() {
        return auditName;
    }

    /** The DSL verb: {@code setOverride}, {@code unsetOverride}, {@code setVault}. */
    public String verb() {
        return verb;
    }

    /** For humans: {@code set override}. */
    public String title() {
        return title;
    }

    public ManagedFile file() {
        return file;
    }

    public boolean removal() {
        return removal;
    }

    /** Option names this action accepts (as DSL named arguments). */
    public List<String> options() {
        return options;
    }
}
