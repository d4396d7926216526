package dev.fleetroll.state;

import java.time.Instant;

/**
 * A file as the audit saw it on the host. Only present files have facts; an absent file is a null
 * {@code FileFacts}. Any field the host could not report is null.
 *
 * @param mode octal permission bits as text, e.g. {@code 644} (never with a file-type prefix)
 * @param sha256 lower-case hex, computed on the host
 */
public record FileFacts(String path, String mode, String owner, String group, Long size, Instant mtime, String sha256) {}
