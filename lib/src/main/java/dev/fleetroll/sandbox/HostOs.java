package dev.fleetroll.sandbox;

import dev.fleetroll.puppet.HostPaths;

/**
 * What a sandbox host looks like to the audit: Linux, or macOS-like ({@code uname -s} prints {@code Darwin}, BSD
 * {@code stat}, {@code sysctl kern.boottime}, no {@code sha256sum}, and the macOS paths of DESIGN.md section 3).
 */
public enum HostOs {
    LINUX(HostPaths.LINUX),
    MACOS(HostPaths.DARWIN);

    /** The role file, the same on both. */
    public static final String ROLE_PATH = HostPaths.ROLE;

    private final HostPaths paths;

    HostOs(HostPaths paths) {
        this.paths = paths;
    }

    /** What {@code uname -s} prints on the host. */
    public String uname() {
        return paths.uname();
    }

    public String overridePath() {
        return paths.override();
    }

    public String vaultPath() {
        return paths.vault();
    }

    public String metadataPath() {
        return paths.metadata();
    }
}
