package dev.fleetroll.reboot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetroll.util.JsonTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A small YAML file of secrets named by the configuration ({@code bmc.credentials_file}, {@code pdu.credentials_file},
 * {@code bugs.credentials_file}), e.g. {@code ipmi_password: ...}. Read afresh on every use, so an operator can
 * rotate a secret without restarting anything. No message ever quotes the file's content: a file that does not parse
 * is only named, since a YAML parser's message cites the offending line.
 */
final class CredentialsFile {

    private CredentialsFile() {}

    /**
     * The value of {@code key} in {@code file}.
     *
     * @param setting the configuration key that names the file, for messages ({@code bmc.credentials_file})
     * @throws RebootStepFailed one line naming the setting, the file and the key, never the content
     */
    static String read(Path file, String key, String setting) throws RebootStepFailed {
        if (file == null) {
            throw new RebootStepFailed(setting + " is not set: name a file (mode 0600) holding " + key + ": ...");
        }
        JsonNode tree;
        try {
            tree = JsonTrees.yaml(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new RebootStepFailed(setting + " " + file + " does not exist");
        } catch (IOException e) {
            if (Files.isRegularFile(file) && !Files.isReadable(file)) {
                throw new RebootStepFailed("cannot read " + setting + " " + file + " (permission denied)");
            }
            throw new RebootStepFailed(setting + " " + file + " is not a YAML mapping with " + key + ": ...");
        }
        JsonNode v = tree == null ? null : tree.get(key);
        if (v == null || !v.isValueNode() || v.asText().isEmpty()) {
            throw new RebootStepFailed(setting + " " + file + " has no " + key + ": ...");
        }
        return v.asText();
    }

    /** {@code text} with every occurrence of {@code secret} replaced: a last guard before a line leaves the rung. */
    static String scrub(String text, String secret) {
        return secret == null || secret.length() < 4 || text == null ? text : text.replace(secret, "***");
    }
}
