package dev.fleetroll.server;

import dev.fleetroll.taskcluster.Hawk;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The server side of Hawk for the API: the header's MAC under the client's access token ({@link Hawk#verify}, the
 * same code the Taskcluster stand-in uses), the timestamp within {@link Hawk#DEFAULT_SKEW}, the nonce not seen before
 * within that window, and, for a request with a body, the payload hash (required, and equal to the body's). Any
 * failure is a 401 whose message says which check failed, never the expected MAC.
 */
final class HawkCheck {
    private final ApiClients clients;
    private final Clock clock;
    private final Duration skew;
    private final NonceCache nonces;

    HawkCheck(ApiClients clients, Clock clock) {
        this.clients = clients;
        this.clock = clock;
        this.skew = Hawk.DEFAULT_SKEW;
        this.nonces = new NonceCache(skew.toSeconds());
    }

    /** Who made a request, and what they may do. */
    record Caller(String clientId, List<String> scopes) {}

    /**
     * Checks one request.
     *
     * @param resource the raw path and query as sent
     * @param hostHeader the {@code Host} header ({@code name[:port]}); the port defaults to {@code localPort}
     */
    Caller check(String authorization, String method, String resource, String hostHeader, int localPort,
                 String contentType, byte[] body) {
        if (authorization == null || authorization.isBlank()) {
            throw ApiError.unauthorized("authentication required: send a Hawk Authorization header signed with"
                    + " Taskcluster-style credentials (clientId, accessToken)");
        }
        String host = hostHeader == null ? "" : hostHeader.strip();
        int port = localPort;
        int colon = host.lastIndexOf(':');
        if (colon > 0 && !host.endsWith("]")) {
            try {
                port = Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw ApiError.unauthorized("bad Host header");
            }
            host = host.substring(0, colon);
        }
        long now = clock.instant().getEpochSecond();
        Hawk.Verification v = Hawk.verify(authorization, method, resource, host, port,
                id -> clients.find(id).map(ApiClients.Client::accessToken), now, skew);
        if (!v.ok()) {
            throw ApiError.unauthorized("Hawk authentication failed: " + v.message());
        }
        Map<String, String> at = Hawk.attributes(authorization).orElseThrow();
        if (body != null && body.length > 0) {
            String sent = at.get("hash");
            if (sent == null) {
                throw ApiError.unauthorized("Hawk authentication failed: a request with a body must carry its payload"
                        + " hash (hash=\"...\")");
            }
            String actual = Hawk.payloadHash(contentType, body);
            if (!MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8))) {
                throw ApiError.unauthorized("Hawk authentication failed: the payload hash does not match the body");
            }
        }
        if (!nonces.firstUse(v.id(), at.get("nonce"), Long.parseLong(at.get("ts")), now)) {
            throw ApiError.unauthorized("Hawk authentication failed: replayed request (nonce already used)");
        }
        ApiClients.Client c = clients.find(v.id()).orElseThrow();
        return new Caller(c.clientId(), c.scopes());
    }
}
