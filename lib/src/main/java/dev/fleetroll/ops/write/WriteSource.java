package dev.fleetroll.ops.write;

import dev.fleetroll.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The content to write: the exact bytes (never re-encoded: the sha256 is of these bytes) and how to name them in
 * plans, messages and the audit log ({@code source}: the path as the operator gave it, or {@code <text>}).
 */
public record WriteSource(byte[] bytes, String name) {
    public WriteSource {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(name, "name");
    }

    /** Reads {@code path}; a missing or unreadable file is a {@link UserError}. */
    public static WriteSource file(Path path) {
        try {
            if (Files.isDirectory(path)) {
                throw new UserError(path + " is a directory; name the file to write");
            }
            return new WriteSource(Files.readAllBytes(path), path.toString());
        } catch (NoSuchFileException e) {
            throw new UserError("no such file: " + path);
        } catch (IOException e) {
            throw new UserError("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Content given as text (UTF-8), e.g. from a DSL string. */
    public static WriteSource text(String text) {
        return new WriteSource(text.getBytes(StandardCharsets.UTF_8), "<text>");
    }
}
