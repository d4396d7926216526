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
    CHROMEDRIVER("/usr/bin/chromedriver", "chromium-driver"),
    /** The PostgreSQL store's specs start a throwaway cluster (any installed major version). */
    PG_INITDB("/usr/lib/postgresql/*/bin/initdb", "postgresql"),
    PG_CTL("/usr/lib/postgresql/*/bin/pg_ctl", "postgresql"),
    PG_POSTGRES("/usr/lib/postgresql/*/bin/postgres", "postgresql"),
    /** Runs initdb and the server as an unprivileged user when the tests run as root (initdb refuses root). */
    SETPRIV("setpriv", "util-linux"),
    /** Counts what the audit script starts and writes on a host (its process and write budgets). */
    STRACE("strace", "strace");

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
     * headless Chromium and its chromedriver for the web UI's specs, PostgreSQL's server programs for the PostgreSQL
     * store's specs, strace for the audit script's process and write budgets.
     */
    public static final Set<Prerequisite> TESTS = EnumSet.allOf(Prerequisite.class);

    private final String program;
    private final String debianPackage;

    Prerequisite(String program, String debianPackage) {
        this.program = program;
        this.debianPackage = debianPackage;
    }

    /**
     * An absolute path, or a name looked up on PATH and the usual system directories; a {@code *} in an absolute
     * path stands for one directory name (a versioned directory such as {@code /usr/lib/postgresql/15}).
     */
    public String program() {
        return program;
    }

    public String debianPackage() {
        return debianPackage;
    }

    /** Whether this machine has it, as an executable file. */
    public boolean present() {
        if (program.contains("*")) {
            return resolve() != null;
        }
        return program.startsWith("/") ? Files.isExecutable(Path.of(program)) : Sandbox.which(program) != null;
    }

    /**
     * The executable an absolute {@link #program()} names, its {@code *} matched against the directory's entries
     * (the greatest name wins: the newest version); null when there is none.
     */
    public Path resolve() {
        int star = program.indexOf('*');
        if (star < 0) {
            return program.startsWith("/") && Files.isExecutable(Path.of(program)) ? Path.of(program) : null;
        }
        Path parent = Path.of(program.substring(0, star));
        String rest = program.substring(star + 1);
        try (var entries = Files.list(parent)) {
            return entries.map(d -> Path.of(d + rest)).filter(Files::isExecutable)
                    .max(java.util.Comparator.comparing(Path::toString)).orElse(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
