package dev.fleetroll.sandbox;

import dev.fleetroll.UserError;
import dev.fleetroll.util.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A sandbox's out-of-band power control ({@code sandbox up --bmc}): one IPMI BMC per host and one switched PDU for
 * the fleet, real programs wired to the hosts' power knobs.
 *
 * <ul>
 *   <li><b>BMCs</b>: OpenIPMI's {@code ipmi_sim}, one process per {@value #HOSTS_PER_SIM} hosts (each host is a
 *       management controller of its own, with its own LAN channel on {@code HOST_ADDRESS:623/udp}, its own user
 *       and its own {@code chassis_control} program). Measured: one ipmi_sim serving 2 BMCs takes 3.8 MiB RSS,
 *       one serving 64 takes 6.3 MiB (4 MiB PSS); one process per host would cost ~3.6 MiB per host.
 *       {@code chassis power reset} restarts the host, {@code power off}/{@code on} halt and boot it, {@code power
 *       cycle} does both.</li>
 *   <li><b>PDU</b>: net-snmp's {@code snmpd} on {@code 127.SLOT.0.3:161/udp} with a {@code pass} program serving the
 *       APC PowerNet outlet control column {@code .1.3.6.1.4.1.318.1.1.4.4.2.1.3.N} (1 on, 2 off, 3 reboot);
 *       outlet N is host N.</li>
 * </ul>
 *
 * <p>The BMC user and password and the PDU's write community are generated at {@code up} and written to
 * {@code <dir>/client/bmc.yaml} (mode 0600), which the config drop-in names as {@code bmc.credentials_file} and
 * {@code pdu.credentials_file}, so fleetroll finds them as on a real site. {@code launch.sh} starts
 * {@code <dir>/bmc/bmc.sh} in the fleet's process group, so {@code down} stops them with the hosts.
 *
 * @param pduAddress the PDU's address, {@code 127.SLOT.0.3}
 */
record SandboxBmc(String pduAddress, int bmcPort, int pduPort) {
    static final String USER = "fleetroll";
    static final int BMC_PORT = 623;
    static final int PDU_PORT = 161;
    /** APC PowerNet-MIB sPDUOutletCtl: the outlet control column of the outlet table. */
    static final String OUTLET_OID = ".1.3.6.1.4.1.318.1.1.4.4.2.1.3";
    /** IPMB addresses 0x20, 0x22, ... of one ipmi_sim stay below 0xa0. */
    static final int HOSTS_PER_SIM = 64;
    private static final String RES = "/dev/fleetroll/sandbox/bmc/";
    private static final String ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    static SandboxBmc of(SandboxSpec spec, int slot) {
        return spec.bmc() ? new SandboxBmc(address(slot), BMC_PORT, PDU_PORT) : null;
    }

    /** {@code 127.SLOT.0.3}: next to the stand-ins' {@code .0.2}, never a host's address. */
    static String address(int slot) {
        return "127." + slot + ".0.3";
    }

    static Path dir(Path sandboxDir) {
        return sandboxDir.resolve("bmc");
    }

    static Path credentials(Path sandboxDir) {
        return sandboxDir.resolve("client").resolve("bmc.yaml");
    }

    static Path script(Path sandboxDir) {
        return dir(sandboxDir).resolve("bmc.sh");
    }

    static Path log(Path sandboxDir) {
        return dir(sandboxDir).resolve("bmc.log");
    }

    static Path pidFile(Path sandboxDir) {
        return dir(sandboxDir).resolve("bmc.pid");
    }

    /** Throws a one-line {@link UserError} when a BMC's or the PDU's UDP port is taken. */
    void checkBindable(List<SandboxHost> hosts) {
        for (SandboxHost h : hosts) {
            bindable(h.address(), bmcPort, "BMC of " + h.name());
        }
        bindable(pduAddress, pduPort, "PDU");
    }

    private static void bindable(String address, int port, String what) {
        try (DatagramSocket s = new DatagramSocket(null)) {
            s.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw new UserError("the sandbox's " + what + " cannot listen on " + address + ":" + port + "/udp ("
                    + e.getMessage() + "): stop the program listening there (on that address or on every address),"
                    + " or start the sandbox without --bmc");
        }
    }

    /**
     * Writes the BMC and PDU configuration, their control programs, the credentials file and the start script;
     * returns the drop-in lines that point fleetroll at them.
     */
    String write(Path sandboxDir, SandboxLayout layout, List<SandboxHost> hosts) throws IOException {
        Path d = dir(sandboxDir);
        Files.createDirectories(d.resolve("state"));
        Files.createDirectories(d.resolve("snmp"));
        Files.createDirectories(d.resolve("no-conf"));
        for (String s : List.of("power-knob.sh", "chassis-control.sh")) {
            Provisioner.write(d.resolve(s), resource(s), "rwxr-xr-x");
        }
        Path outlets = d.resolve("outlets");
        Provisioner.write(d.resolve("outlet-control.sh"), resource("outlet-control.sh").replace("@OID@", OUTLET_OID)
                .replace("@OUTLETS@", Shell.quote(outlets.toString())), "rwxr-xr-x");

        String password = random(16);
        String community = random(24);
        writePrivate(credentials(sandboxDir), "# fleetroll sandbox: its BMCs' password and its PDU's write community"
                + " (written by 'fleetroll sandbox up')\nipmi_password: " + password + "\nsnmp_community: " + community + "\n");

        StringBuilder table = new StringBuilder();
        hosts.forEach(h -> table.append(layout.host(h.name())).append('\n'));
        Provisioner.write(outlets, table.toString(), "rw-r--r--");

        StringBuilder run = new StringBuilder("#!/bin/sh\n"
                + "# fleetroll sandbox: its BMCs (ipmi_sim) and PDU (snmpd) (written by 'fleetroll sandbox up').\n"
                + "# launch.sh runs this in the fleet's process group: killing the group stops them with the hosts.\n"
                + "echo $$ >" + Shell.quote(pidFile(sandboxDir).toString()) + "\n"
                + "cd " + Shell.quote(d.toString()) + " || exit 1\n");
        for (int chunk = 0; chunk * HOSTS_PER_SIM < hosts.size(); chunk++) {
            List<SandboxHost> part = hosts.subList(chunk * HOSTS_PER_SIM, Math.min(hosts.size(), (chunk + 1) * HOSTS_PER_SIM));
            String n = Integer.toString(chunk + 1);
            writePrivate(d.resolve("lan-" + n + ".conf"), lanConf(layout, part, password, sandboxDir, chunk));
            Provisioner.write(d.resolve("cmd-" + n + ".conf"), cmdConf(part.size()), "rw-r--r--");
            run.append("ipmi_sim -n -c ").append(Shell.quote(d.resolve("lan-" + n + ".conf").toString()))
                    .append(" -f ").append(Shell.quote(d.resolve("cmd-" + n + ".conf").toString()))
                    .append(" -s ").append(Shell.quote(d.resolve("state").toString())).append(" </dev/null &\n");
        }
        writePrivate(d.resolve("snmpd.conf"), "# fleetroll sandbox PDU (net-snmp snmpd)\n"
                + "agentAddress udp:" + pduAddress + ":" + pduPort + "\n"
                + "rwcommunity " + community + " 127.0.0.0/8\n"
                + "pass " + OUTLET_OID + " /bin/sh " + d.resolve("outlet-control.sh") + "\n");
        // -C: no system configuration; MIBS=: and an empty SNMPCONFPATH: no MIB loading, no persistent files elsewhere
        run.append("MIBS=: SNMPCONFPATH=").append(Shell.quote(d.resolve("no-conf").toString()))
                .append(" snmpd -f -C -c ").append(Shell.quote(d.resolve("snmpd.conf").toString()))
                .append(" -Lf ").append(Shell.quote(d.resolve("snmpd.log").toString()))
                .append(" --persistentDir=").append(Shell.quote(d.resolve("snmp").toString())).append(" </dev/null &\n")
                .append("wait\n");
        Provisioner.write(script(sandboxDir), run.toString(), "rw-r--r--");

        StringBuilder y = new StringBuilder();
        y.append("# the sandbox's BMCs (ipmi_sim) and PDU (snmpd); their secrets are in credentials_file\n");
        y.append("bmc:\n  user: ").append(USER).append("\n  credentials_file: ").append(yaml(credentials(sandboxDir).toString()))
                .append("\n  hosts:\n");
        for (SandboxHost h : hosts) {
            y.append("    ").append(yaml(h.fqdn())).append(": {address: ").append(yaml(h.address())).append(", port: ")
                    .append(bmcPort).append("}\n");
        }
        y.append("pdu:\n  credentials_file: ").append(yaml(credentials(sandboxDir).toString())).append("\n  hosts:\n");
        for (int i = 0; i < hosts.size(); i++) {
            y.append("    ").append(yaml(hosts.get(i).fqdn())).append(": {address: ").append(yaml(pduAddress))
                    .append(", port: ").append(pduPort).append(", outlet: ").append(i + 1).append("}\n");
        }
        return y.toString();
    }

    private String lanConf(SandboxLayout layout, List<SandboxHost> part, String password, Path sandboxDir, int chunk) {
        StringBuilder c = new StringBuilder("# fleetroll sandbox BMCs (OpenIPMI ipmi_sim, see ipmi_lan(5)); one management"
                + " controller per host\nname \"fleetroll-sandbox-" + (chunk + 1) + "\"\n");
        for (int i = 0; i < part.size(); i++) {
            SandboxHost h = part.get(i);
            c.append(String.format(Locale.ROOT, "set_working_mc 0x%02x%n", 0x20 + 2 * i))
                    .append("  startlan 1\n")
                    .append("    addr ").append(h.address()).append(' ').append(bmcPort).append('\n')
                    .append("    priv_limit admin\n")
                    .append("    allowed_auths_callback none md2 md5 straight\n")
                    .append("    allowed_auths_user none md2 md5 straight\n")
                    .append("    allowed_auths_operator none md2 md5 straight\n")
                    .append("    allowed_auths_admin none md2 md5 straight\n")
                    .append(String.format(Locale.ROOT, "    guid %032x%n", (long) h.index() * 0x1000003L + 0x5eed))
                    .append("  endlan\n")
                    .append("  chassis_control \"/bin/sh ").append(dir(sandboxDir).resolve("chassis-control.sh")).append(' ')
                    .append(layout.host(h.name())).append("\"\n")
                    .append("  user 2 true \"").append(USER).append("\" \"").append(password)
                    .append("\" admin 10 none md2 md5 straight\n");
        }
        return c.toString();
    }

    private static String cmdConf(int n) {
        StringBuilder c = new StringBuilder("# fleetroll sandbox BMCs: one management controller per host\nmc_setbmc 0x20\n");
        for (int i = 0; i < n; i++) {
            String a = String.format(Locale.ROOT, "0x%02x", 0x20 + 2 * i);
            c.append("mc_add ").append(a).append(" 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr\n")
                    .append("mc_enable ").append(a).append('\n');
        }
        return c.toString();
    }

    /**
     * Waits until every BMC and the PDU listen, for as long as their processes show signs of life (CPU time, log
     * lines); fails at once when the start script is gone, with the log's last line.
     */
    void awaitReady(Path sandboxDir, List<SandboxHost> hosts, Duration stall) {
        Set<String> want = new HashSet<>();
        hosts.forEach(h -> want.add(h.address() + ":" + bmcPort));
        want.add(pduAddress + ":" + pduPort);
        Path log = log(sandboxDir);
        StallClock clock = new StallClock(stall);
        while (true) {
            Set<String> missing = new HashSet<>(want);
            missing.removeAll(udpSockets());
            if (missing.isEmpty()) {
                return;
            }
            Long pid = RunningSandbox.readPid(pidFile(sandboxDir));
            if (pid != null && !Procs.alive(pid)) {
                throw new SandboxException("the sandbox's BMCs and PDU did not start: " + SandboxServices.lastLine(log)
                        + " (log: " + log + ")");
            }
            long now = System.nanoTime();
            long cpu = pid == null ? 0 : SignOfLife.cpuTicksUnder(List.of(pid));
            if (clock.stalled(List.of(missing.size(), SignOfLife.size(log), cpu), now)) {
                throw new SandboxException("the sandbox's BMCs and PDU did not start (" + missing.size() + " of "
                        + want.size() + " not listening, e.g. " + missing.iterator().next() + ", for "
                        + clock.quietSeconds(now) + " s): " + SandboxServices.lastLine(log) + " (log: " + log + ")");
            }
            Teardown.sleep(50);
        }
    }

    /** {@code ADDRESS:PORT} of every bound IPv4 UDP socket ({@code /proc/net/udp}). */
    static Set<String> udpSockets() {
        Set<String> out = new HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/udp"))) {
                String[] f = line.strip().split("\\s+");
                if (f.length < 3 || !f[1].contains(":") || f[0].equals("sl")) {
                    continue;
                }
                String[] ap = f[1].split(":");
                long ip = Long.parseLong(ap[0], 16);
                out.add((ip & 0xff) + "." + (ip >> 8 & 0xff) + "." + (ip >> 16 & 0xff) + "." + (ip >> 24 & 0xff) + ":"
                        + Integer.parseInt(ap[1], 16));
            }
        } catch (IOException | RuntimeException e) {
            // no /proc/net/udp: nothing seen
        }
        return out;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SandboxBmc.class.getResourceAsStream(RES + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RES + name + " missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Creates {@code file} readable by its owner only before anything is written to it. */
    static void writePrivate(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Letters and digits without look-alikes; IPMI 2.0 passwords are at most 20 bytes. */
    static String random(int n) {
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(ALNUM.charAt(r.nextInt(ALNUM.length())));
        }
        return b.toString();
    }

    private static String yaml(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
