package dev.fleetroll.remote;

import dev.fleetroll.puppet.HostPaths;

/**
 * The files fleetroll writes on hosts, with their paths per OS (DESIGN.md section 3, chosen on the host by
 * {@code uname -s}).
 */
public enum ManagedFile {
    OVERRIDE("override", HostPaths.LINUX.override(), HostPaths.DARWIN.override(), false),
    VAULT("vault", HostPaths.LINUX.vault(), HostPaths.DARWIN.vault(), true);

    private final String label;
    private final String linuxPath;
    private final String darwinPath;
    private final boolean secret;

    ManagedFile(String label, String linuxPath, String darwinPath, boolean secret) {
        this.label = label;
        this.linuxPath = linuxPath;
        this.darwinPath = darwinPath;
        this.secret = secret;
    }

    /** {@code override} or {@code vault}: used in audit actions ({@code override.set}) and messages. */
    public String label() {
        return label;
    }

    public String linuxPath() {
        return linuxPath;
    }

    public String darwinPath() {
        return darwinPath;
    }

    /** True when the content is secret: never shown, diffed, logged or audited, only its sha256. */
    public boolean secret() {
        return secret;
    }
}
