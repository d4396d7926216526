package dev.fleetroll.sandbox;

/**
 * What a sandbox host looks like to the audit: Linux, or macOS-like ({@code uname -s} prints {@code Darwin}, BSD
 * {@code stat}, {@code sysctl kern.boottime}, no {@code sha256sum}, and the macOS paths of DESIGN.md section 3).
 */
public enum HostOs {
    LINUX("Linux", "/etc/puppet/ronin_settings", "/root/vault.yaml", "/etc/puppet/last_run_metadata.json"),
    MACOS("Darwin", "/opt/puppet_environments/ronin_settings", "/var/root/vault.yaml",
            "/opt/puppet_environments/last_run_metadata.json");

    /** The role file, the same on both. */
    public static final String ROLE_PATH = "/etc/puppet_role";

    private final String uname;
    private final String overridePath;
    private final String vaultPath;
    private final String metadataPath;

    HostOs(String uname, String overridePath, String vaultPath, String metadataPath) {
        this.uname = uname;
        this.overridePath = overridePath;
        this.vaultPath = vaultPath;
        this.metadataPath = metadataPath;
    }

    /** What {@code uname -s} prints on the host. */
    public String uname() {
        return uname;
    }

    public String overridePath() {
        return overridePath;
    }

    public String vaultPath() {
        return vaultPath;
    }

    public String metadataPath() {
        return metadataPath;
    }
}
