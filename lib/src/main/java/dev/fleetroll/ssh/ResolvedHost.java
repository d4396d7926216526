package dev.fleetroll.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the OpenSSH client configuration says about one destination, resolved the way {@code ssh -G} resolves it.
 *
 * @param alias the name the operator used (OpenSSH's {@code %n}); the connection pool is keyed by it
 * @param hostName where to connect (HostName with {@code %h} expanded, lower-cased as OpenSSH does)
 * @param user remote login user (User, else the local user)
 * @param port remote port (Port, else 22)
 * @param identityFiles IdentityFile values as written (tokens unexpanded, like {@code ssh -G}); the OpenSSH default
 *     list when none is configured
 * @param identityPaths the same files with {@code ~} and tokens expanded (files that do not exist are skipped later)
 * @param identitiesOnly IdentitiesOnly: offer only agent keys that match an identity file
 * @param proxyJumpSpec the ProxyJump value as written, null when unset or {@code none}
 * @param proxyJump the jump hosts in connect order, each resolved with its own configuration; the last one carries
 *     the others in its own {@code proxyJump}, so a connection to this host goes through {@code proxyJump.getLast()}
 * @param userKnownHostsFiles UserKnownHostsFile paths, expanded; the first is where accept-new appends
 * @param globalKnownHostsFiles GlobalKnownHostsFile paths (read only)
 * @param strictHostKeyChecking {@code yes}, {@code no}, {@code ask} or {@code accept-new}; null when the
 *     configuration does not say (fleetroll's configured default applies)
 * @param connectTimeout ConnectTimeout; null when unset
 * @param hostKeyAlias HostKeyAlias as written; null when unset
 * @param identityAgent IdentityAgent: null (use {@code $SSH_AUTH_SOCK}), {@code none}, or a socket path
 * @param problem why this host cannot be reached as configured (a ProxyJump loop, say); null when it can
 */
public record ResolvedHost(
        String alias,
        String hostName,
        String user,
        int port,
        List<String> identityFiles,
        List<Path> identityPaths,
        boolean identitiesOnly,
        String proxyJumpSpec,
        List<ResolvedHost> proxyJump,
        List<Path> userKnownHostsFiles,
        List<Path> globalKnownHostsFiles,
        String strictHostKeyChecking,
        Duration connectTimeout,
        String hostKeyAlias,
        String identityAgent,
        String problem) {

    public ResolvedHost {
        identityFiles = List.copyOf(identityFiles);
        identityPaths = List.copyOf(identityPaths);
        proxyJump = List.copyOf(proxyJump);
        userKnownHostsFiles = List.copyOf(userKnownHostsFiles);
        globalKnownHostsFiles = List.copyOf(globalKnownHostsFiles);
    }

    /** The name looked up in known_hosts: HostKeyAlias if set, else the HostName (as OpenSSH does). */
    /** The connect timeout fleetroll uses: the ssh config's ConnectTimeout (0 or none = unset), else {@code fallback}. */
    public Duration effectiveConnectTimeout(Duration fallback) {
        return connectTimeout != null && !connectTimeout.isZero() ? connectTimeout : fallback;
    }

    /** The host-key policy fleetroll uses: the ssh config's StrictHostKeyChecking, else {@code fallback}. */
    public String effectiveStrictHostKeyChecking(String fallback) {
        return strictHostKeyChecking != null ? strictHostKeyChecking : fallback;
    }

    public String knownHostsName() {
        return hostKeyAlias != null ? hostKeyAlias : hostName;
    }

    /** {@code user@host:port}, for messages. */
    public String destination() {
        return user + "@" + hostName + (port == 22 ? "" : ":" + port);
    }

    /** The route to this host: {@code user@host:port} preceded by each jump host, for pool keys and messages. */
    public String route() {
        if (proxyJump.isEmpty()) {
            return destination();
        }
        return proxyJump.getLast().route() + " -> " + destination();
    }

    /**
     * The resolved directives as {@code ssh -G} prints them (lower-case keywords, one per line), for the directives
     * fleetroll honours. {@code stricthostkeychecking} and {@code connecttimeout} print OpenSSH's own defaults when
     * unset ({@code ask}, {@code none}); fleetroll's effective values are reported separately.
     */
    public List<String> sshGLines() {
        List<String> lines = new ArrayList<>();
        lines.add("user " + user);
        lines.add("hostname " + hostName);
        lines.add("port " + port);
        lines.add("identitiesonly " + (identitiesOnly ? "yes" : "no"));
        lines.add("stricthostkeychecking " + sshGStrict(strictHostKeyChecking));
        if (hostKeyAlias != null) {
            lines.add("hostkeyalias " + hostKeyAlias);
        }
        for (String f : identityFiles) {
            lines.add("identityfile " + f);
        }
        lines.add("userknownhostsfile " + String.join(" ", userKnownHostsFiles.stream().map(Path::toString).toList()));
        lines.add("connecttimeout " + (connectTimeout == null ? "none" : Long.toString(connectTimeout.toSeconds())));
        if (proxyJumpSpec != null) {
            lines.add("proxyjump " + proxyJumpSpec);
        }
        return lines;
    }

    static String sshGStrict(String value) {
        if (value == null) {
            return "ask";
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "yes" -> "true";
            case "no" -> "false";
            default -> value;
        };
    }
}
