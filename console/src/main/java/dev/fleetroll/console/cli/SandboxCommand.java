package dev.fleetroll.console.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fleetroll.UserError;
import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.console.progress.LineControl;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.sandbox.DownReport;
import dev.fleetroll.sandbox.FleetPlan;
import dev.fleetroll.sandbox.HostStatus;
import dev.fleetroll.sandbox.RunningSandbox;
import dev.fleetroll.sandbox.Sandbox;
import dev.fleetroll.sandbox.SandboxException;
import dev.fleetroll.sandbox.SandboxHost;
import dev.fleetroll.sandbox.SandboxProgress;
import dev.fleetroll.sandbox.SandboxSpec;
import dev.fleetroll.sandbox.SandboxStatus;
import dev.fleetroll.util.Durations;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code fleetroll sandbox up|status|down|fault}: a fleet of real sshd hosts on this machine, for the demo, the tests
 * and rollout rehearsals. A thin front-end over {@link Sandbox} and {@link RunningSandbox}.
 */
final class SandboxCommand implements Command {
    static final int DEFAULT_HOSTS = 12;
    private static final List<String> KNOBS = List.of("stop-sshd", "start-sshd", "tarpit", "untarpit", "rekey",
            "trust-host-key", "corrupt-metadata", "reboot", "power-off", "power-on", "fail-puppet", "fix-puppet", "hang", "unhang");

    @Override
    public String name() {
        return "sandbox";
    }

    @Override
    public String summary() {
        return "run a fleet of real sshd hosts on this machine (up, status, down, fault)";
    }

    @Override
    public String arguments() {
        return "up [N] | status | down | fault KNOB HOST...";
    }

    @Override
    public String description() {
        return """
                A sandbox fleet is N real hosts on this machine: each an OpenSSH sshd in its own mount, UTS, PID and
                time namespaces on its own loopback address (127.SLOT.X.Y:22), with its own hostname, uptime,
                /etc/puppet_role, override, vault.yaml, puppet run metadata and generic-worker; a few are macOS-like.
                Needs Linux and root. See docs/sandbox.md.

                  up [N]       start N hosts (default 12), replacing this FLEETROLL_HOME's sandbox; writes
                               host-lists/sandbox.list (hosts('sandbox')), per-role lists sandbox/1804, sandbox/2404,
                               sandbox/netperf and sandbox/mac, config.d/50-sandbox.yaml and an ssh_config, so every
                               command and script runs against the fleet unchanged; installs what it lacks
                               (openssh-server, git, util-linux; sudo with --login-user) with apt-get, in one
                               call, with service starts forbidden. Also runs Taskcluster and GitHub
                               stand-ins on 127.SLOT.0.2:8080 and :8081 (workers and branch heads from the
                               sandbox itself) and points the drop-in at them, so gather-tc and gather-gh
                               work with no flags
                  up N --bmc   also a BMC per host (OpenIPMI ipmi_sim on HOST_ADDRESS:623/udp) and a PDU
                               (net-snmp snmpd on 127.SLOT.0.3:161/udp, outlet N = host N) wired to the hosts'
                               power: IPMI chassis power reset/cycle/off/on and the outlet's reboot/off/on
                               really restart, halt and boot them; a generated password and community in
                               client/bmc.yaml (0600), named by the drop-in's bmc: and pdu: sections
                  status       every host's state (up, sshd-stopped, tarpit, rebooting, halted, down) and the
                               memory the fleet uses
                  down         stop every process and remove every file the sandbox made
                  fault KNOB HOST...
                               break hosts on purpose (HOST: name, short name like ms-3, node set, or 'sandbox'):
                               stop-sshd, start-sshd      connections refused / back
                               tarpit, untarpit           sshd accepts TCP and never speaks / speaks again
                               rekey, trust-host-key      a new host key (clients see a mismatch) / trust it
                               corrupt-metadata           garbage in last_run_metadata.json
                               reboot [--down-for S]      sshd gone for S seconds (3), uptime starts again
                               power-off, power-on        halt the host / start it again
                               fail-puppet, fix-puppet    make every puppet run fail / succeed again
                               hang, unhang               the host's own reboot/halt do nothing (it stays
                                                          up; only the BMC or PDU restarts it) / work again

                Examples:
                  fleetroll sandbox up 200
                  fleetroll sandbox up 3 --bmc
                  ssh -F ~/.fleetroll/sandbox/ssh_config t-linux64-ms-001 cat /etc/puppet_role
                  fleetroll sandbox fault tarpit ms-2
                  fleetroll sandbox down

                Exit status: 0 ok, 1 the sandbox failed (a host did not boot) or there is none, 2 usage error or
                not Linux/root (nothing is started then).
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("dir").hasArg().argName("DIR")
                .desc("sandbox directory (default $FLEETROLL_HOME/sandbox)").get());
        o.addOption(Option.builder().longOpt("login-user").hasArg().argName("NAME")
                .desc("up: log in as NAME, a user with passwordless sudo created inside each host only (default root)").get());
        o.addOption(Option.builder().longOpt("bmc")
                .desc("up: also run a BMC per host (ipmi_sim) and a PDU (snmpd) wired to the hosts' power").get());
        o.addOption(Option.builder().longOpt("json").desc("status: print JSON").get());
        o.addOption(Option.builder().longOpt("all-stale")
                .desc("down: also reap every fleet on this machine whose owner is gone (crashed tests)").get());
        o.addOption(Option.builder().longOpt("down-for").hasArg().argName("SECONDS")
                .desc("fault reboot: how long the host stays down (default 3)").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        List<String> args = line.getArgList();
        if (args.isEmpty()) {
            throw new UsageError("sandbox: say what to do: up [N], status, down or fault KNOB HOST... (see 'fleetroll sandbox --help')");
        }
        String sub = args.get(0);
        List<String> rest = args.subList(1, args.size());
        if (!List.of("up", "status", "down", "fault").contains(sub)) {
            throw new UsageError("sandbox: unknown subcommand '" + sub + "' (up, status, down, fault)");
        }
        Sandbox.requireSupported();
        FleetrollHome home = ctx.workspace().home();
        Path dir = line.hasOption("dir") ? Path.of(line.getOptionValue("dir")).toAbsolutePath().normalize() : null;
        try {
            return switch (sub) {
                case "up" -> up(rest, dir, line.getOptionValue("login-user"), line.hasOption("bmc"), home, ctx);
                case "status" -> status(dir, home, line.hasOption("json"), ctx);
                case "down" -> down(dir, home, line.hasOption("all-stale"), ctx);
                default -> fault(rest, dir, home, line.getOptionValue("down-for"), ctx);
            };
        } catch (SandboxException e) {
            ctx.err().println("fleetroll: sandbox: " + e.getMessage());
            return Cli.FAILED;
        }
    }

    private static int up(List<String> args, Path dir, String loginUser, boolean bmc, FleetrollHome home, CliContext ctx) {
        if (args.size() > 1) {
            throw new UsageError("sandbox up: takes one number of hosts, not " + args);
        }
        int n = args.isEmpty() ? DEFAULT_HOSTS : count(args.get(0));
        RunningSandbox sb = start(n, dir, loginUser, bmc, home, ctx);
        SandboxStatus st = sb.status();
        PrintStream out = ctx.out();
        out.printf(Locale.ROOT, "sandbox up: %d host%s in %.1f s, slot %d (%s - %s), logging in as %s%n", n, n == 1 ? "" : "s",
                sb.upTime().toMillis() / 1000.0, sb.slot(), sb.hosts().get(0).address(),
                sb.hosts().get(n - 1).address(), sb.loginUser());
        out.println(memoryLine(st));
        out.println();
        printPaths(out, sb);
        out.println();
        out.println("Try: ssh -F " + sb.sshConfig() + " " + sb.hosts().get(0).name() + " hostname");
        out.println("     " + launcher(ctx) + " sandbox status");
        out.println("     " + launcher(ctx) + " sandbox down");
        return Cli.OK;
    }

    /** Starts (or replaces) the home's sandbox, with a progress line on a terminal. Shared with {@code demo}. */
    static RunningSandbox start(int n, Path dir, String loginUser, FleetrollHome home, CliContext ctx) {
        return start(n, dir, loginUser, false, home, ctx);
    }

    static RunningSandbox start(int n, Path dir, String loginUser, boolean bmc, FleetrollHome home, CliContext ctx) {
        SandboxSpec spec = SandboxSpec.of(home, n).withDir(dir).withLoginUser(loginUser).withTiedToOwner(false).withBmc(bmc);
        LineControl line = ctx.stderrIsTerminal() ? LineControl.forTerm(ctx.env().get("TERM")) : null;
        int[] shown = {0}; // width of the status line on the terminal now
        SandboxProgress progress = new SandboxProgress() {
            @Override
            public synchronized void update(String phase, int done, int total) {
                if (line != null) {
                    String text = phase + (total > 0 ? " " + done + "/" + total : "");
                    ctx.err().print(line.redraw(text, shown[0]));
                    ctx.err().flush();
                    shown[0] = text.length();
                }
            }

            @Override
            public synchronized void notice(String text) {
                if (line != null && shown[0] > 0) {
                    ctx.err().print(line.erase(shown[0]));
                    shown[0] = 0;
                }
                ctx.err().println(text);
                ctx.err().flush();
            }
        };
        try {
            return Sandbox.up(spec, progress);
        } finally {
            if (line != null && shown[0] > 0) {
                ctx.err().print(line.erase(shown[0]));
                ctx.err().flush();
            }
        }
    }

    private static int count(String s) {
        try {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= FleetPlan.MAX_HOSTS) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new UsageError("sandbox up: N must be a number of hosts from 1 to " + FleetPlan.MAX_HOSTS + ", not '" + s + "'");
    }

    private static RunningSandbox existing(Path dir, FleetrollHome home) {
        return (dir != null ? Sandbox.open(dir) : Sandbox.find(home)).orElse(null);
    }

    private static int status(Path dir, FleetrollHome home, boolean json, CliContext ctx) throws SandboxException {
        RunningSandbox sb = existing(dir, home);
        if (sb == null) {
            return noSandbox(home, ctx);
        }
        SandboxStatus st = sb.status();
        if (json) {
            ctx.out().println(toJson(st));
            return Cli.OK;
        }
        printHostTable(ctx.out(), st.hosts(), true);
        ctx.out().println();
        Map<String, Long> byState = new LinkedHashMap<>();
        st.hosts().forEach(h -> byState.merge(h.state(), 1L, Long::sum));
        List<String> counts = new ArrayList<>();
        byState.forEach((k, v) -> counts.add(v + " " + k));
        ctx.out().println(st.hosts().size() + " hosts: " + String.join(", ", counts) + "; slot " + st.slot() + ", logging in as "
                + sb.loginUser());
        ctx.out().println(memoryLine(st));
        printPaths(ctx.out(), sb);
        return Cli.OK;
    }

    private static int down(Path dir, FleetrollHome home, boolean allStale, CliContext ctx) {
        DownReport r = Sandbox.down(home, dir);
        if (r.found()) {
            ctx.out().printf(Locale.ROOT, "sandbox down: stopped %d host%s (%d processes) in %.1f s%s; removed %s%n", r.hosts(),
                    r.hosts() == 1 ? "" : "s", r.processesKilled(), r.elapsed().toMillis() / 1000.0, r.slot() == null ? "" : ", freed slot " + r.slot(),
                    String.join(", ", r.removed().stream().map(Path::toString).toList()));
        } else {
            ctx.out().println("sandbox down: no sandbox for FLEETROLL_HOME " + home.dir() + "; nothing to do");
        }
        if (allStale) {
            List<DownReport> reaped = Sandbox.downStale();
            for (DownReport s : reaped) {
                ctx.out().printf(Locale.ROOT, "reaped stale sandbox %s (slot %s, %d processes)%n", s.dir(), s.slot(), s.processesKilled());
            }
            if (reaped.isEmpty()) {
                ctx.out().println("no stale sandboxes on this machine");
            }
        }
        return Cli.OK;
    }

    private static int fault(List<String> args, Path dir, FleetrollHome home, String downFor, CliContext ctx) {
        if (args.size() < 2) {
            throw new UsageError("sandbox fault: needs a knob and hosts, e.g. 'fleetroll sandbox fault tarpit ms-2' (knobs: "
                    + String.join(", ", KNOBS) + ")");
        }
        String knob = args.get(0);
        if (!KNOBS.contains(knob)) {
            throw new UsageError("sandbox fault: unknown knob '" + knob + "' (knobs: " + String.join(", ", KNOBS) + ")");
        }
        Duration down = Duration.ofSeconds(3);
        if (downFor != null) {
            try {
                down = Duration.ofSeconds(Long.parseLong(downFor));
            } catch (NumberFormatException e) {
                throw new UsageError("sandbox fault: --down-for takes whole seconds, not '" + downFor + "'");
            }
        }
        RunningSandbox sb = existing(dir, home);
        if (sb == null) {
            return noSandbox(home, ctx);
        }
        List<SandboxHost> hosts = new ArrayList<>();
        for (String name : new Inventory(ctx.workspace()).resolve(args.subList(1, args.size()))) {
            hosts.add(sb.host(name));
        }
        for (SandboxHost h : hosts) {
            String n = h.name();
            String what = switch (knob) {
                case "stop-sshd" -> { sb.stopSshd(n); yield "sshd stopped: connections are refused"; }
                case "start-sshd" -> { sb.startSshd(n); yield "sshd started"; }
                case "tarpit" -> { sb.tarpit(n); yield "tarpit: TCP connects, SSH never answers"; }
                case "untarpit" -> { sb.untarpit(n); yield "sshd answers again"; }
                case "rekey" -> "new host key " + sb.rekey(n).substring(0, 30) + "... (clients see a changed key)";
                case "trust-host-key" -> { sb.trustHostKey(n); yield "current host key written to " + sb.knownHosts(); }
                case "corrupt-metadata" -> { sb.corruptMetadata(n); yield "garbage in " + h.metadataPath(); }
                case "reboot" -> {
                    sb.reboot(n, down);
                    yield "rebooting: down for " + down.toSeconds() + " s, then up with a fresh uptime";
                }
                case "power-off" -> { sb.powerOff(n); yield "halted (power-on starts it again)"; }
                case "power-on" -> { sb.powerOn(n); yield "powering on"; }
                case "fail-puppet" -> { sb.setPuppetFailing(n, true); yield "every puppet run now fails"; }
                case "fix-puppet" -> { sb.setPuppetFailing(n, false); yield "puppet runs succeed again"; }
                case "hang" -> { sb.hang(n); yield "its own reboot and halt now do nothing (the host stays up)"; }
                case "unhang" -> { sb.unhang(n); yield "its own reboot and halt work again"; }
                default -> throw new IllegalStateException(knob);
            };
            ctx.out().println(knob + " " + h.fqdn() + ": " + what);
        }
        return Cli.OK;
    }

    private static int noSandbox(FleetrollHome home, CliContext ctx) {
        var orphan = Sandbox.orphaned(home);
        if (orphan.isPresent()) {
            ctx.err().println("fleetroll: the sandbox of FLEETROLL_HOME " + home.dir() + " lost its files in " + orphan.get()
                    + " but still runs; 'fleetroll sandbox down' removes what is left");
        } else {
            ctx.err().println("fleetroll: no sandbox for FLEETROLL_HOME " + home.dir() + " (start one: fleetroll sandbox up)");
        }
        return Cli.FAILED;
    }

    static String memoryLine(SandboxStatus st) {
        return String.format(Locale.ROOT, "memory: %s in %d processes (sum of PSS) + %s of host files on tmpfs",
                mib(st.memoryBytes()), st.processes(), mib(st.hostFilesBytes()));
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1024.0 / 1024.0);
    }

    static void printPaths(PrintStream out, RunningSandbox sb) {
        out.println("  dir         " + sb.dir());
        out.println("  ssh config  " + sb.sshConfig());
        out.println("  host list   " + sb.hostList() + "   (hosts('sandbox'))");
        out.println("  config      " + sb.configDropIn());
        if (sb.taskclusterRootUrl() != null) {
            out.println("  taskcluster " + sb.taskclusterRootUrl() + "   (stand-in: fleetroll gather-tc, tc-quarantine)");
            out.println("  github      " + sb.githubApiUrl() + "   (stand-in: fleetroll gather-gh)");
            out.println("  bugzilla    " + sb.bugsUrl() + "   (stand-in: the reboot ladder's bugs)");
        }
        if (sb.bmcCredentials() != null) {
            out.println("  bmc, pdu    ipmi_sim on each host's address:623/udp, snmpd on 127." + sb.slot()
                    + ".0.3:161/udp; secrets in " + sb.bmcCredentials());
        }
    }

    /** One row per host; {@code live} adds state and accepted connections. */
    static void printHostTable(PrintStream out, List<HostStatus> hosts, boolean live) {
        List<String[]> rows = new ArrayList<>();
        rows.add(live ? new String[] {"HOST", "ADDRESS", "OS", "ROLE", "OVERRIDE", "SCENARIO", "STATE", "UPTIME", "CONNS"}
                : new String[] {"HOST", "ADDRESS", "OS", "ROLE", "OVERRIDE", "SCENARIO", "UPTIME"});
        for (HostStatus s : hosts) {
            SandboxHost h = s.host();
            String uptime = s.uptimeSeconds() == null ? "-" : Durations.humanize(Duration.ofSeconds(s.uptimeSeconds()));
            String role = h.role() == null ? "-" : h.role();
            String branch = h.overrideBranch() == null ? "-" : h.overrideBranch();
            String scenario = h.scenario().label() + (s.puppetFailing() && h.scenario() != dev.fleetroll.sandbox.Scenario.FAILED_RUN ? "+fail" : "");
            rows.add(live ? new String[] {h.name(), h.address(), h.os().uname(), role, branch, scenario, s.state(), uptime,
                    Long.toString(s.acceptedConnections())}
                    : new String[] {h.name(), h.address(), h.os().uname(), role, branch, scenario, uptime});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                b.append(i == r.length - 1 ? r[i] : String.format("%-" + (width[i] + 2) + "s", r[i]));
            }
            out.println(b.toString().stripTrailing());
        }
    }

    /** {@code ./fleetroll} when run from the checkout by the launcher, else {@code fleetroll}. */
    static String launcher(CliContext ctx) {
        String project = ctx.env().get("FLEETROLL_PROJECT");
        if (project != null && Path.of(project).toAbsolutePath().normalize().equals(Path.of("").toAbsolutePath())) {
            return "./fleetroll";
        }
        return "fleetroll";
    }

    private static String toJson(SandboxStatus st) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dir", st.dir().toString());
        m.put("fleetroll_home", st.home().toString());
        m.put("slot", st.slot());
        m.put("login_user", st.loginUser() == null ? "root" : st.loginUser());
        m.put("ssh_config", st.sshConfig().toString());
        m.put("host_list", st.hostList().toString());
        m.put("processes", st.processes());
        m.put("memory_bytes", st.memoryBytes());
        m.put("host_files_bytes", st.hostFilesBytes());
        List<Map<String, Object>> hosts = new ArrayList<>();
        for (HostStatus s : st.hosts()) {
            SandboxHost h = s.host();
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", h.name());
            x.put("fqdn", h.fqdn());
            x.put("address", h.address());
            x.put("os", h.os().uname());
            x.put("role", h.role());
            x.put("override_branch", h.overrideBranch());
            x.put("scenario", h.scenario().label());
            x.put("state", s.state());
            x.put("uptime_seconds", s.uptimeSeconds());
            x.put("accepted_connections", s.acceptedConnections());
            x.put("puppet_failing", s.puppetFailing());
            hosts.add(x);
        }
        m.put("hosts", hosts);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
        } catch (Exception e) {
            throw new UserError("cannot format the status as JSON: " + e.getMessage());
        }
    }
}
