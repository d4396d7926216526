package dev.fleetroll.ops;

import dev.fleetroll.inventory.ProbeResult;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.ssh.ExecResult;
import dev.fleetroll.ssh.FanOut;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.ssh.RemoteCommand;
import dev.fleetroll.ssh.ResolvedHost;
import dev.fleetroll.ssh.SshConfigResolver;
import dev.fleetroll.ssh.SshEngine;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Discovery probes ({@code fleetroll inventory probe}): for each host, in the SSH engine's bounded fan-out, whether its
 * name resolves (through the SSH configuration's {@code HostName}, exactly what the engine connects to), whether TCP
 * reaches its SSH port, whether an SSH session authenticates, and whether {@code sudo -n true} works — the last two in
 * one SSH round trip — plus, for a host with a {@code bmc} fact, whether its BMC answers on port 623 (an RMCP presence
 * ping over UDP, or a TCP connect). A check after a failed one is not tried (null).
 *
 * <p>A host reached through {@code ProxyJump} is not connected to directly: its TCP check is the SSH connection
 * itself.
 */
public final class InventoryProbe {
    /** The script of the one SSH round trip: runs as the login user, never fails, reports sudo's exit status. */
    static final String SCRIPT = "sudo -n true >/dev/null 2>&1; echo \"fleetroll-sudo=$?\"";
    static final int BMC_PORT = 623;
    /** ASF/RMCP presence ping (class ASF, IANA 4542, type 0x80); a BMC answers with a presence pong. */
    private static final byte[] RMCP_PING = {0x06, 0x00, (byte) 0xff, 0x06, 0x00, 0x00, 0x11, (byte) 0xbe, (byte) 0x80,
            0x00, 0x00, 0x00};

    private final SshEngine engine;
    private final SshConfigResolver resolver;
    private final Duration connectTimeout;
    private final Clock clock;

    public InventoryProbe(SshEngine engine, SshConfigResolver resolver, Duration connectTimeout, Clock clock) {
        this.engine = engine;
        this.resolver = resolver;
        this.connectTimeout = connectTimeout;
        this.clock = clock;
    }

    /** Probes every host; {@code bmcByHost} gives the BMC address of hosts that have one. One result per host, in order. */
    public List<ProbeResult> run(List<String> hosts, Map<String, String> bmcByHost, BatchListener listener,
                                 Cancellation cancellation) {
        return engine.run(hosts, (host, c) -> probe(host, bmcByHost.get(host), c), new FanOut.Results<>() {
            @Override
            public ProbeResult failure(String host, Outcome outcome, String error) {
                return new ProbeResult(host, clock.instant(), null, null, null, null, null, outcome.label()
                        + (error == null ? "" : ": " + error));
            }

            @Override
            public Outcome outcomeOf(ProbeResult r) {
                return r.ok() ? Outcome.OK : r.sshable() == null && r.reachable() == null && r.resolves() == null
                        ? Outcome.CANCELLED : Outcome.FAILED;
            }
        }, listener, cancellation);
    }

    ProbeResult probe(String host, String bmc, Cancellation cancellation) {
        Boolean bmcOk = bmc == null ? null : bmc(bmc);
        ResolvedHost rh = resolver.resolve(host);
        if (rh.problem() != null) {
            return result(host, null, null, null, null, bmcOk, rh.problem());
        }
        Duration timeout = rh.effectiveConnectTimeout(connectTimeout);
        boolean direct = rh.proxyJump().isEmpty();
        InetAddress address = null;
        if (direct) {
            try {
                address = InetAddress.getByName(rh.hostName());
            } catch (UnknownHostException e) {
                return result(host, false, null, null, null, bmcOk, "does not resolve: " + rh.hostName());
            }
            String refused = tcp(new InetSocketAddress(address, rh.port()), timeout);
            if (refused != null) {
                return result(host, true, false, null, null, bmcOk, "port " + rh.port() + ": " + refused);
            }
        }
        ExecResult r = engine.executor().exec(host, RemoteCommand.of(SCRIPT), cancellation);
        Boolean resolves = direct ? Boolean.TRUE : null;
        Boolean reachable = direct ? Boolean.TRUE : null;
        if (!direct && r.outcome() == Outcome.UNREACHABLE) {
            return result(host, null, false, null, null, bmcOk, r.error());
        }
        if (r.outcome() == Outcome.CANCELLED) {
            return result(host, resolves, reachable, null, null, bmcOk, "cancelled");
        }
        if (r.outcome().isConnectionProblem() || r.outcome() == Outcome.TIMED_OUT || r.outcome() == Outcome.UNREACHABLE) {
            return result(host, resolves, reachable, false, null, bmcOk, r.outcome().label()
                    + (r.error() == null ? "" : ": " + r.error()));
        }
        String out = r.stdoutText();
        boolean sudo = out.contains("fleetroll-sudo=0");
        String detail = r.outcome() != Outcome.OK ? "probe command " + r.outcome().label() + (r.error() == null ? "" : ": " + r.error())
                : sudo ? null : "sudo -n true failed (" + out.strip().replace("fleetroll-sudo=", "exit ") + ")";
        if (detail == null && Boolean.FALSE.equals(bmcOk)) {
            detail = "BMC " + bmc + " does not answer on port " + BMC_PORT;
        }
        return result(host, resolves, reachable, true, r.outcome() == Outcome.OK && sudo, bmcOk, detail);
    }

    private ProbeResult result(String host, Boolean resolves, Boolean reachable, Boolean ssh, Boolean sudo, Boolean bmc,
                               String detail) {
        return new ProbeResult(host, clock.instant(), resolves, reachable, ssh, sudo, bmc, detail);
    }

    /** Null when a TCP connection opened; else why not. */
    static String tcp(InetSocketAddress to, Duration timeout) {
        try (Socket s = new Socket()) {
            s.connect(to, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            return null;
        } catch (SocketTimeoutException e) {
            return "connect timed out after " + timeout.toSeconds() + "s";
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    /** True when the BMC answers an RMCP presence ping on UDP 623, or accepts TCP on 623. */
    private boolean bmc(String address) {
        InetAddress a;
        try {
            a = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            return false;
        }
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(200, connectTimeout.toMillis())));
            s.send(new DatagramPacket(RMCP_PING, RMCP_PING.length, a, BMC_PORT));
            DatagramPacket pong = new DatagramPacket(new byte[64], 64);
            s.receive(pong);
            if (pong.getLength() >= 8 && pong.getData()[0] == 0x06) {
                return true;
            }
        } catch (IOException e) {
            // no pong: try TCP
        }
        return tcp(new InetSocketAddress(a, BMC_PORT), connectTimeout) == null;
    }
}
