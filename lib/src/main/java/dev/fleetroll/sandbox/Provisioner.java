package dev.fleetroll.sandbox;

import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.puppet.HostPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Lays out a sandbox directory: the shared scripts every host mounts, the client key, the puppet repository, one
 * directory per host (its /etc overlay layer, /root, /run, sshd config and host key, mount table and first-boot
 * scenario) and the client side (ssh_config, known_hosts, host list, config drop-in). Writes files only; starting
 * hosts is {@link Sandbox}'s job.
 */
final class Provisioner {
    private static final String RES = "/dev/fleetroll/sandbox/";

    private final SandboxLayout layout;
    private final SandboxSpec spec;
    private final int slot;
    private final String sb;
    private final String realHosts;
    private final LoginUser loginUser;
    private final boolean realRoleFile;
    private final boolean rootLocked;
    private final List<Path> whiteouts = Collections.synchronizedList(new ArrayList<>());
    private SshKeys.KeyPair clientKey;

    Provisioner(SandboxLayout layout, SandboxSpec spec, int slot) {
        this.layout = layout;
        this.spec = spec;
        this.slot = slot;
        this.sb = layout.dir().toString();
        this.realHosts = read(Path.of("/etc/hosts"), "127.0.0.1\tlocalhost\n");
        this.loginUser = spec.loginUser() == null ? null : LoginUser.plan(spec.loginUser());
        this.realRoleFile = Files.exists(Path.of(HostOs.ROLE_PATH));
        this.rootLocked = LoginUser.rootLocked();
    }

    /** Scripts and layers shared by every host, the client key and the puppet repository. */
    PuppetRepo installShared() throws IOException {
        Path lib = layout.lib();
        for (String s : List.of("launch.sh", "supervisor.sh", "host-init.sh", "gate.sh")) {
            resource(s, lib.resolve(s), "rwxr-xr-x");
        }
        resource("references/puppet_state_functions.sh", lib.resolve("puppet_state_functions.sh"), "rw-r--r--");
        resource("host/run-puppet.sh", lib.resolve("localbin/run-puppet.sh"), "rwxr-xr-x");
        Files.createSymbolicLink(lib.resolve("localbin/generic-worker"), sleepBinary());
        for (String name : List.of("reboot", "shutdown", "halt", "poweroff")) {
            resource("host/power.sh", lib.resolve("sbin").resolve(name), "rwxr-xr-x");
        }
        for (String name : List.of("uname", "stat", "sw_vers")) {
            resource("mac/" + name, lib.resolve("macbin").resolve(name), "rwxr-xr-x");
        }
        resource("mac/sysctl", lib.resolve("macsbin/sysctl"), "rwxr-xr-x");
        whiteouts.add(lib.resolve("macbin/sha256sum"));
        Files.createDirectories(lib.resolve("real"));
        Files.copy(Path.of("/usr/bin/stat"), lib.resolve("real/stat"), StandardCopyOption.COPY_ATTRIBUTES);

        clientKey = SshKeys.ed25519("fleetroll-sandbox-client");
        write(layout.clientKey(), clientKey.privateKey(), "rw-------");
        write(layout.clientKey().resolveSibling("id_ed25519.pub"), clientKey.publicKey() + "\n", "rw-r--r--");
        return PuppetRepo.create(layout.puppet());
    }

    /** One host's directory; returns what the sandbox puts on it (metadata comes later, from its first boot). */
    SandboxHost prepareHost(HostPlan p) {
        try {
            return prepare(p);
        } catch (IOException e) {
            throw new UncheckedIOException("preparing sandbox host " + p.name() + ": " + e.getMessage(), e);
        }
    }

    private SandboxHost prepare(HostPlan p) throws IOException {
        Path h = layout.host(p.name());
        String hs = h.toString();
        String address = FleetPlan.address(slot, p.index());
        boolean mac = p.os() == HostOs.MACOS;
        Path etc = h.resolve("etc");
        Path root = h.resolve("root");
        for (Path d : List.of(etc.resolve("ssh"), h.resolve("etc.work"), h.resolve("run/sshd"), h.resolve("varlog"),
                h.resolve("control"))) {
            Files.createDirectories(d);
        }
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        Path overrideFile = h.resolve(p.os().overridePath().substring(1)); // the path table is HostPaths, via HostOs
        Path puppetDir = overrideFile.getParent();
        Files.createDirectories(puppetDir);
        if (mac) {
            Files.createDirectories(h.resolve("opt.work"));
        }
        String rel = null;
        if (!mac && layout.dir().startsWith("/root")) {
            // the sandbox lives under /root, which this host replaces: mount it back at the same path
            rel = Path.of("/root").relativize(layout.dir()).toString();
            Files.createDirectories(root.resolve(rel));
        }

        if (p.role() != null) {
            write(etc.resolve("puppet_role"), p.role() + "\n", "rw-r--r--");
        } else if (realRoleFile) {
            whiteouts.add(etc.resolve("puppet_role"));
        }
        String override = p.overrideBranch() == null ? null : FleetPlan.overrideFor(p.overrideBranch());
        if (override != null) {
            Path target = p.scenario() == Scenario.OVERRIDE_PENDING ? h.resolve("stage").resolve(overrideFile.getFileName())
                    : overrideFile;
            Files.createDirectories(target.getParent());
            write(target, override, "rw-r--r--");
        }
        String vault = p.vault() ? FleetPlan.vaultFor(p.role()) : null;
        if (vault != null) {
            write(root.resolve("vault.yaml"), vault, "rw-------");
        }
        write(etc.resolve("hostname"), p.name() + "\n", "rw-r--r--");
        write(etc.resolve("hosts"), realHosts.stripTrailing() + "\n\n# fleetroll sandbox host\n"
                + address + "\t" + p.fqdn() + " " + p.name() + "\n", "rw-r--r--");
        write(etc.resolve("ssh/fleetroll_authorized_keys"), clientKey.publicKey() + "\n", "rw-r--r--");
        if (loginUser != null) {
            loginUser.install(h, p.os());
        } else {
            if (rootLocked) {
                LoginUser.unlockRoot(etc);
            }
            if (mac) {
                LoginUser.macPasswd(etc);
            }
        }

        SshKeys.KeyPair key = SshKeys.ed25519("root@" + p.name());
        write(h.resolve("ssh_host_ed25519_key"), key.privateKey(), "rw-------");
        write(h.resolve("ssh_host_ed25519_key.pub"), key.publicKey() + "\n", "rw-r--r--");
        write(h.resolve("sshd_config"), sshdConfig(p, address, hs), "rw-r--r--");
        write(h.resolve("fstab"), fstab(p, hs, rel), "rw-r--r--");
        write(h.resolve("firstboot.sh"), firstBoot(p, hs), "rw-r--r--");
        if (p.scenario() == Scenario.FAILED_RUN) {
            write(h.resolve("control/fail-puppet"), "the sandbox's failed-run scenario\n", "rw-r--r--");
        }
        if (spec.puppetOnBoot()) {
            write(h.resolve("control/puppet-on-boot"), "", "rw-r--r--");
        }
        return new SandboxHost(p.index(), p.name(), p.fqdn(), address, p.os(), p.scenario(), p.role(),
                p.overrideBranch(), override, vault, p.uptimeSeconds(), key.publicKeyNoComment(), null);
    }

    private String sshdConfig(HostPlan p, String address, String h) {
        StringBuilder s = new StringBuilder();
        s.append("# fleetroll sandbox host ").append(p.name()).append(" (generated at sandbox up)\n");
        s.append("ListenAddress ").append(address).append(":22\n");
        s.append("HostKey ").append(h).append("/ssh_host_ed25519_key\n");
        s.append("""
                PidFile none
                StrictModes no
                UsePAM no
                MaxStartups 1000
                PermitRootLogin prohibit-password
                PubkeyAuthentication yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                AuthorizedKeysFile /etc/ssh/fleetroll_authorized_keys
                PrintMotd no
                PrintLastLog no
                UseDNS no
                KexAlgorithms +curve25519-sha256
                LogLevel VERBOSE
                AcceptEnv LANG LC_*
                Subsystem sftp internal-sftp
                """);
        if (p.os() == HostOs.MACOS) {
            s.append("SetEnv PATH=/usr/bin:/bin:/usr/sbin:/sbin:/usr/local/bin\n");
        }
        return s.toString();
    }

    private String fstab(HostPlan p, String h, String rootRel) {
        String lib = layout.lib().toString();
        StringBuilder s = new StringBuilder("# mounted by host-init.sh inside this host's mount namespace only\n");
        s.append("fleetroll-proc /proc proc nosuid,nodev,noexec 0 0\n");
        s.append("overlay /etc overlay lowerdir=/etc,upperdir=").append(h).append("/etc,workdir=").append(h).append("/etc.work 0 0\n");
        if (p.os() == HostOs.MACOS) {
            s.append("overlay /usr/bin overlay lowerdir=").append(lib).append("/macbin:/usr/bin 0 0\n");
            s.append("overlay /usr/sbin overlay lowerdir=").append(lib).append("/macsbin:").append(lib).append("/sbin:/usr/sbin 0 0\n");
        } else {
            s.append("overlay /usr/sbin overlay lowerdir=").append(lib).append("/sbin:/usr/sbin 0 0\n");
        }
        s.append("overlay /usr/local/bin overlay lowerdir=").append(lib).append("/localbin:/usr/local/bin 0 0\n");
        if (p.os() == HostOs.MACOS) {
            s.append("overlay /opt overlay lowerdir=/opt,upperdir=").append(h).append("/opt,workdir=").append(h).append("/opt.work 0 0\n");
        }
        if (loginUser != null) {
            s.append("overlay /home overlay lowerdir=/home,upperdir=").append(h).append("/home,workdir=").append(h).append("/home.work 0 0\n");
        }
        s.append(h).append("/run /run none bind 0 0\n");
        s.append(h).append("/varlog /var/log none bind 0 0\n");
        if (p.os() == HostOs.MACOS) {
            s.append(h).append("/root /var/root none bind 0 0\n");
        } else {
            if (rootRel != null) {
                s.append(sb).append(' ').append(h).append("/root/").append(rootRel).append(" none bind 0 0\n");
            }
            s.append(h).append("/root /root none rbind 0 0\n");
        }
        return s.toString();
    }

    private static String firstBoot(HostPlan p, String h) {
        String head = "# first boot of " + p.name() + ", scenario " + p.scenario().label() + ": "
                + p.scenario().description() + "\n";
        return head + switch (p.scenario()) {
            case NO_METADATA -> ": puppet has not run on this host yet\n";
            case OVERRIDE_PENDING -> "/usr/local/bin/run-puppet.sh\n"
                    + "cp " + h + "/stage/ronin_settings " + p.os().overridePath() + "\n"
                    + "chmod 0644 " + p.os().overridePath() + "\n";
            default -> "/usr/local/bin/run-puppet.sh\n";
        };
    }

    /** Creates the overlay whiteouts (character devices 0/0) collected while preparing: files a host must not see. */
    void makeWhiteouts() {
        if (whiteouts.isEmpty()) {
            return;
        }
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "for p; do mknod \"$p\" c 0 0 || exit 1; done", "mknod"));
        whiteouts.forEach(w -> argv.add(w.toString()));
        Exec.check(argv, java.util.Map.of(), null, null);
    }

    /** ssh_config, known_hosts, the host list and the config drop-in: everything a client needs, with no flags. */
    void writeClientSide(List<SandboxHost> hosts, FleetrollHome home) throws IOException {
        String user = spec.loginUser() == null ? "root" : spec.loginUser();
        StringBuilder c = new StringBuilder();
        c.append("# fleetroll sandbox, slot ").append(slot).append(": ").append(hosts.size()).append(" hosts in ").append(sb).append('\n');
        c.append("# written by 'fleetroll sandbox up', removed by 'fleetroll sandbox down'. Try: ssh -F ")
                .append(layout.sshConfig()).append(' ').append(hosts.get(0).name()).append(" hostname\n\n");
        Set<String> patterns = new TreeSet<>();
        for (SandboxHost h : hosts) {
            c.append("Host ").append(h.fqdn()).append(' ').append(h.name()).append('\n');
            c.append("    HostName ").append(h.address()).append('\n');
            String prefix = h.name().replaceAll("\\d+$", "");
            patterns.add(prefix.equals(h.name()) ? h.name() : prefix + "*");
        }
        c.append("\nHost *.").append(FleetPlan.DOMAIN).append(' ').append(String.join(" ", patterns)).append(" 127.").append(slot).append(".*\n");
        c.append("    User ").append(user).append('\n');
        c.append("    Port 22\n");
        c.append("    IdentityFile ").append(layout.clientKey()).append('\n');
        c.append("    IdentitiesOnly yes\n");
        c.append("    UserKnownHostsFile ").append(layout.knownHosts()).append('\n');
        c.append("    GlobalKnownHostsFile /dev/null\n");
        c.append("    StrictHostKeyChecking accept-new\n");
        // the budget for the server's silence (HandshakeWatch): these sshds share the machine's CPU with the client,
        // the specs and everything else, and a host that just booted is busy with its first puppet run
        c.append("    ConnectTimeout 20\n");
        c.append("    BatchMode yes\n");
        c.append("    KexAlgorithms ^curve25519-sha256\n");
        c.append("    LogLevel ERROR\n");
        write(layout.sshConfig(), c.toString(), "rw-r--r--");
        write(layout.knownHosts(), hosts.stream().map(Provisioner::knownHostsLine).collect(Collectors.joining()), "rw-r--r--");

        writeHostList(SandboxLayout.hostList(home), "fleet", hosts);
        for (Map.Entry<String, String> e : FleetPlan.ROLE_LISTS.entrySet()) {
            List<SandboxHost> ofRole = hosts.stream().filter(h -> e.getKey().equals(h.role())).toList();
            if (!ofRole.isEmpty()) {
                writeHostList(SandboxLayout.roleList(home, e.getValue()), "hosts with role " + e.getKey(), ofRole);
            }
        }

        SandboxServices services = SandboxServices.of(spec, slot);
        if (services != null) {
            SandboxServices.writeCredentials(layout.taskclusterCredentials());
            SandboxServices.writeBugsKey(SandboxServices.bugsKey(layout.dir()));
        }
        Path dropIn = SandboxLayout.dropIn(home);
        Files.createDirectories(dropIn.getParent());
        SandboxBmc bmc = SandboxBmc.of(spec, slot);
        String bmcDropIn = bmc == null ? "" : bmc.write(layout.dir(), layout, hosts);
        write(dropIn, dropIn(hosts) + (services == null ? "" : servicesDropIn(services)) + bmcDropIn, "rw-r--r--");
    }

    /** The drop-in's part that points gather-tc and gather-gh at the sandbox's stand-ins. */
    private String servicesDropIn(SandboxServices services) {
        return "# the sandbox's Taskcluster stand-in lists the sandbox hosts as workers (pools from their roles and\n"
                + "# WORKER_TYPE_OVERRIDE); its only client is the one in credentials_file\n"
                + "taskcluster:\n"
                + "  root_url: " + yaml(services.taskclusterRootUrl()) + "\n"
                + "  credentials_file: " + yaml(layout.taskclusterCredentials().toString()) + "\n"
                + "# the sandbox's GitHub stand-in serves the branches of its ronin_puppet repository\n"
                + "github:\n"
                + "  api_url: " + yaml(services.githubApiUrl()) + "\n"
                + "  default_branch: " + yaml(DEFAULT_BRANCH) + "\n"
                + "# the sandbox's Bugzilla stand-in, where the reboot ladder files bugs for hosts nothing brought back\n"
                + "bugs:\n"
                + "  url: " + yaml(services.bugsUrl()) + "\n"
                + "  credentials_file: " + yaml(SandboxServices.bugsKey(layout.dir()).toString()) + "\n";
    }

    /** The branch hosts without an override follow: the sandbox repository's master, under its GitHub name. */
    static final String DEFAULT_BRANCH = dev.fleetroll.puppet.OverrideFile.ownerRepo(FleetPlan.REPO_URL).orElseThrow()
            + ":" + FleetPlan.BRANCH_MASTER;

    /** A YAML single-quoted scalar. */
    private static String yaml(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** A host list of {@code hosts} (short names under the sandbox's {@code # fqdn:}) that names this sandbox. */
    private void writeHostList(Path list, String what, List<SandboxHost> hosts) throws IOException {
        Files.createDirectories(list.getParent());
        StringBuilder l = new StringBuilder();
        l.append("# fleetroll sandbox ").append(what).append(" (slot ").append(slot).append(", ").append(sb).append(")\n");
        l.append("# written by 'fleetroll sandbox up', removed by 'fleetroll sandbox down'\n");
        l.append("# fqdn: .").append(FleetPlan.DOMAIN).append('\n');
        hosts.forEach(h -> l.append(h.name()).append('\n'));
        write(list, l.toString(), "rw-r--r--");
    }

    static String knownHostsLine(SandboxHost h) {
        return h.fqdn() + "," + h.name() + "," + h.address() + " " + h.hostKey() + "\n";
    }

    private String dropIn(List<SandboxHost> hosts) {
        Set<String> prefixes = new LinkedHashSet<>();
        Set<String> literal = new LinkedHashSet<>();
        for (SandboxHost h : hosts) {
            String prefix = h.name().replaceAll("\\d+$", "");
            if (prefix.equals(h.name())) {
                literal.add(h.name());
            } else {
                prefixes.add(prefix + "\\d+");
            }
        }
        List<String> alternatives = new ArrayList<>(prefixes);
        alternatives.addAll(literal);
        String d = FleetPlan.DOMAIN;
        return "# fleetroll sandbox (slot " + slot + ", " + sb + ")\n"
                + "# written by 'fleetroll sandbox up', removed by 'fleetroll sandbox down'. While this file exists,\n"
                + "# fleetroll uses the sandbox's ssh_config, and short names resolve to sandbox hosts.\n"
                + "ssh:\n"
                + "  config_file: " + layout.sshConfig() + "\n"
                + "inventory:\n"
                + "  expansions:\n"
                + "    # ms-3, ms03 and ms-003 -> t-linux64-ms-003." + d + "; this replaces the project's moonshot\n"
                + "    # rule of the same name while the sandbox is up.\n"
                + "    moonshots: {match: '^ms-?(\\d{3,})$', replace: 't-linux64-ms-$1." + d + "'}\n"
                + "    sandbox-ms-2: {match: '^ms-?(\\d\\d)$', replace: 't-linux64-ms-0$1." + d + "'}\n"
                + "    sandbox-ms-1: {match: '^ms-?(\\d)$', replace: 't-linux64-ms-00$1." + d + "'}\n"
                + "    sandbox-mac-3: {match: '^mac(?:mini)?(?:-r8)?-?(\\d{3,})$', replace: 'macmini-r8-$1." + d + "'}\n"
                + "    sandbox-mac-2: {match: '^mac(?:mini)?(?:-r8)?-?(\\d\\d)$', replace: 'macmini-r8-0$1." + d + "'}\n"
                + "    sandbox-mac-1: {match: '^mac(?:mini)?(?:-r8)?-?(\\d)$', replace: 'macmini-r8-00$1." + d + "'}\n"
                + "    # the sandbox's own short names get its domain\n"
                + "    sandbox-names: {match: '^(" + String.join("|", alternatives).replace("'", "''") + ")$', replace: '$1." + d + "'}\n";
    }

    private void resource(String name, Path target, String mode) throws IOException {
        try (InputStream in = Provisioner.class.getResourceAsStream(RES + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RES + name + " missing from the jar");
            }
            String text = HostPaths.fill(new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@SANDBOX@", sb));
            Files.createDirectories(target.getParent());
            write(target, text, mode);
        }
    }

    private static Path sleepBinary() {
        for (String p : List.of("/usr/bin/sleep", "/bin/sleep")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        throw new SandboxException("no sleep binary in /usr/bin or /bin (coreutils)");
    }

    static void write(Path file, String text, String mode) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }

    private static String read(Path p, String fallback) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return fallback;
        }
    }
}
