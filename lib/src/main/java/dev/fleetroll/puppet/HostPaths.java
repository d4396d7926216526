package dev.fleetroll.puppet;

import dev.fleetroll.util.Shell;


/**
 * The one table of where things live on a host (DESIGN.md section 3), chosen on the host by {@code uname -s}.
 * The audit script, the write scripts and the sandbox all take their paths from here.
 */
public enum HostPaths {
    LINUX("Linux", "/etc/puppet/ronin_settings", "/root/vault.yaml", "/etc/puppet/last_run_metadata.json"),
    DARWIN("Darwin", "/opt/puppet_environments/ronin_settings", "/var/root/vault.yaml",
            "/opt/puppet_environments/last_run_metadata.json");

    /** The Puppet role file, the same on both. */
    public static final String ROLE = "/etc/puppet_role";

    private final String uname;
    private final String override;
    private final String vault;
    private final String metadata;

    HostPaths(String uname, String override, String vault, String metadata) {
        this.uname = uname;
        this.override = override;
        this.vault = vault;
        this.metadata = metadata;
    }

    /** What {@code uname -s} prints on such a host. */
    public String uname() {
        return uname;
    }

    public String override() {
        return override;
    }

    public String vault() {
        return vault;
    }

    /** {@code last_run_metadata.json}, written by the run-puppet wrapper after every run. */
    public String metadata() {
        return metadata;
    }

    public String role() {
        return ROLE;
    }

    /**
     * {@code template} with the path placeholders of on-host scripts filled, each value shell-quoted:
     * {@code @LINUX_OVERRIDE@}, {@code @DARWIN_VAULT@}, {@code @LINUX_METADATA@} (and so on for every OS), and
     * {@code @ROLE@}. The audit script and the sandbox's run-puppet.sh take their paths from here.
     */
    public static String fill(String template) {
        String s = template;
        for (HostPaths p : values()) {
            s = s.replace("@" + p.name() + "_OVERRIDE@", Shell.quote(p.override()))
                    .replace("@" + p.name() + "_VAULT@", Shell.quote(p.vault()))
                    .replace("@" + p.name() + "_METADATA@", Shell.quote(p.metadata()));
        }
        return s.replace("@ROLE@", Shell.quote(ROLE));
    }

}
