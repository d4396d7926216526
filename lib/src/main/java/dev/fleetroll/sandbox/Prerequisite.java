package dev.fleetroll.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * A program that the sandbox, or the project's test suite, needs on this machine, and the Debian package that ships
 * it. {@link PackageInstaller} installs the missing ones; this table is the one list of them.
 */
public enum Prerequisite {
    SSHD("/usr/sbin/sshd", "openssh-server"),
    SSH("ssh", "openssh-client"),
    SSH_KEYGEN("ssh-keygen", "openssh-client"),
    SSH_AGENT("ssh-agent", "openssh-client"),
    GIT("git", "git"),
    UNSHARE("unshare", "util-linux"),
    NSENTER("nsenter", "util-linux"),
    SETSID("setsid", "util-linux"),
    MOUNT("mount", "mount"),
    MKNOD("mknod", "coreutils"),
    KILL("kill", "procps"),
    SUDO("sudo", "sudo"),
    TMUX("tmux", "tmux"),
    INFOCMP("infocmp", "ncurses-bin"),
    IPMI_SIM("ipmi_sim", "openipmi"),
    SNMPD("/usr/sbin/snmpd", "snmpd"),
    IPMITOOL("ipmitool", "ipmitool"),
    SNMPSET("snmpset", "snmp"),
    SNMPGET("snmpget", "snmp"),
    CHROMIUM("/usr/bin/chromium", "chromium"),
    CHROMEDRIVER("/usr/bin/chromedriver", "chromium-driver");

    /** What {@code sandbox up} needs: the hosts' sshd, the namespace tools, git for the stand-in Puppet repo. */
    public static final Set<Prerequisite> SANDBOX = EnumSet.of(SSHD, GIT, UNSHARE, NSENTER, SETSID, MOUNT,
            MKNOD, KILL);

    /**
     * What {@code sandbox up --bmc} needs besides: the BMCs' simulator and the PDU's SNMP agent, and the clients
     * fleetroll's IPMI and PDU reboot rungs run against them.
     */
    public static final Set<Prerequisite> BMC = EnumSet.of(IPMI_SIM, SNMPD, IPMITOOL, SNMPSET, SNMPGET);

    /**
     * What the test suite needs besides the sandbox: plain OpenSSH clients to cross-check the engine, sudo for
     * sandboxes with a non-root login user, tmux and infocmp for the console's terminal specs,
     * headless Chromium and its chromedriver for the web UI's specs.
     */
    public static final Set<Prerequisite> TESTS = EnumSet.allOf(Prerequisite.class);

    private final String program;
    private final String debianPackage;

    Prerequisite(String program, String debianPackage) {
        this.program = program;
        this.debianPackage = debianPackage;
    }

    /** An absolute path, or a name looked up on PATH and the usual system directories. */
    public String program() {
        return program;
    }

    public String debianPackage() {
        return debianPackage;
    }

    /** Whether this machine has it, as an executable file. */
    public boolean present() {
        return program.startsWith("/") ? Files.isExecutable(Path.of(program)) : Sandbox.which(program) != null;
    }
}
