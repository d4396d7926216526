package dev.fleetroll.reboot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fleetroll.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FleetLock server (the protocol Zincati speaks: {@code POST /v1/pre-reboot} takes a reboot slot,
 * {@code POST /v1/steady-state} gives it back) over the store's {@link RebootSlots}, so hosts that reboot themselves
 * and operators' {@code fleetroll reboot} runs share one semaphore per group.
 *
 * <p>Requests need the header {@code fleet-lock-protocol: true} and the body
 * {@code {"client_params":{"id":"...","group":"..."}}} (id non-empty, group {@code [a-zA-Z0-9.-]+}). Success is 200
 * with a short plain-text body; a failure is a 4xx/5xx JSON {@code {"kind":...,"value":...}} with one of few kinds:
 * {@code method_not_allowed} (405), {@code missing_header} (400), {@code decode_error} (400),
 * {@code failed_lock_semaphore_full} (423), {@code lock_held} (423: the id's slot belongs to a {@code fleetroll reboot}
 * run), {@code not_found} (404), {@code internal_error} (500). Both operations are idempotent per id. {@code /metrics}
 * serves Prometheus text: slots held and total per group, requests by endpoint and outcome. {@code /-/healthy} says ok.
 */
public final class FleetLockServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetLockServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String HEADER = "fleet-lock-protocol";

    private final RebootSlots slots;
    private final RebootGroups groups;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();

    private FleetLockServer(RebootSlots slots, RebootGroups groups, Clock clock, InetSocketAddress bind) throws IOException {
        this.slots = slots;
        this.groups = groups;
        this.clock = clock;
        this.server = HttpServer.create(bind, 128);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /**
     * Starts serving on {@code listen} ({@code HOST:PORT}; port 0 picks a free one).
     *
     * @param allowRemote whether a non-loopback address may be bound: the protocol has no authentication, so anyone who
     *     reaches the port can take and give back slots
     */
    public static FleetLockServer start(RebootSlots slots, RebootGroups groups, Clock clock, String listen,
                                        boolean allowRemote) {
        InetSocketAddress bind = parseListen(listen);
        if (!bind.getAddress().isLoopbackAddress() && !allowRemote) {
            throw new UserError("--listen " + listen + " is not a loopback address; FleetLock has no authentication, so"
                    + " anyone who reaches it can take reboot slots: add --allow-remote if that is meant");
        }
        try {
            FleetLockServer s = new FleetLockServer(slots, groups, clock, bind);
            s.server.start();
            return s;
        } catch (IOException e) {
            throw new UserError("cannot listen on " + listen + ": " + e.getMessage());
        }
    }

    static InetSocketAddress parseListen(String listen) {
        int colon = listen == null ? -1 : listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new UserError("--listen '" + listen + "' is not HOST:PORT (e.g. 127.0.0.1:8080)");
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new UserError("--listen '" + listen + "': the port must be 0..65535");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (IOException e) {
            throw new UserError("--listen '" + listen + "': unknown address " + host);
        }
    }

    /** Where it listens (the port chosen when 0 was asked). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8080}. */
    public String baseUrl() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- requests ------------------------------------------------------------------------------------------

    private record Reply(int status, String kind, String text) {
        static Reply ok(String text) {
            return new Reply(200, null, text);
        }

        static Reply error(int status, String kind, String value) {
            return new Reply(status, kind, value);
        }

        String outcome() {
            return kind == null ? "ok" : kind;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String endpoint = switch (path) {
            case "/v1/pre-reboot" -> "pre-reboot";
            case "/v1/steady-state" -> "steady-state";
            case "/metrics" -> "metrics";
            case "/-/healthy" -> "healthy";
            default -> "other";
        };
        Reply reply;
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(64 * 1024);
            reply = switch (endpoint) {
                case "pre-reboot", "steady-state" -> lockRequest(ex, endpoint, body);
                case "metrics" -> Reply.ok(metrics());
                case "healthy" -> Reply.ok("ok\n");
                default -> Reply.error(404, "not_found", "no such endpoint: " + path
                        + " (POST /v1/pre-reboot, POST /v1/steady-state, GET /metrics)");
            };
        } catch (RuntimeException e) {
            LOG.warn("FleetLock {} failed", path, e);
            reply = Reply.error(500, "internal_error", "the server could not use the store: " + oneLine(e.getMessage()));
        }
        if (!endpoint.equals("metrics") && !endpoint.equals("healthy")) {
            requests.computeIfAbsent(endpoint + "\u0000" + reply.outcome(), k -> new AtomicLong()).incrementAndGet();
        }
        send(ex, reply, endpoint.equals("metrics") ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain; charset=utf-8");
    }

    private Reply lockRequest(HttpExchange ex, String endpoint, byte[] body) {
        if (!"POST".equals(ex.getRequestMethod())) {
            return Reply.error(405, "method_not_allowed", endpoint + " takes POST, not " + ex.getRequestMethod());
        }
        String header = ex.getRequestHeaders().getFirst(HEADER);
        if (!"true".equals(header)) {
            return Reply.error(400, "missing_header", "the header 'fleet-lock-protocol: true' is required");
        }
        String id;
        String group;
        try {
            JsonNode params = JSON.readTree(body).path("client_params");
            id = params.path("id").asText("");
            group = params.path("group").asText("");
            if (!params.path("id").isTextual() || id.isEmpty()) {
                return Reply.error(400, "decode_error", "client_params.id must be a non-empty string");
            }
            if (!params.path("group").isTextual() || !RebootGroups.NAME.matcher(group).matches()) {
                return Reply.error(400, "decode_error", "client_params.group must match ^[a-zA-Z0-9.-]+$");
            }
        } catch (IOException e) {
            return Reply.error(400, "decode_error", "the body is not JSON {\"client_params\":{\"id\":...,\"group\":...}}");
        }
        String actor = "fleetlock:" + ex.getRemoteAddress().getAddress().getHostAddress();
        if (endpoint.equals("pre-reboot")) {
            Acquisition a = slots.acquire(group, groups.slotsOf(group), id, SlotHolder.FLEETLOCK_OWNER, actor,
                    "FleetLock pre-reboot", SlotHolder.FLEETLOCK, clock.instant());
            return switch (a) {
                case Acquisition.Granted g when g.retained() -> Reply.ok("retained reboot slot " + g.slot().slot()
                        + " of group " + g.slot().group() + "\n");
                case Acquisition.Granted g -> Reply.ok("obtained reboot slot " + g.slot().slot() + " of group " + group + "\n");
                case Acquisition.Full f -> Reply.error(423, "failed_lock_semaphore_full", "all " + f.slots()
                        + " reboot slots of group " + group + " are held");
                case Acquisition.HeldByOther o -> Reply.error(423, "lock_held", o.slot().heldBy());
            };
        }
        RebootSlots.Release r = slots.release(id, SlotHolder.FLEETLOCK_OWNER);
        if (r.was() == null) {
            return Reply.ok("reboot slot already released\n");
        }
        if (!r.released()) {
            return Reply.error(423, "lock_held", r.was().heldBy());
        }
        return Reply.ok("released reboot slot " + r.was().slot() + " of group " + r.was().group() + " for " + id + "\n");
    }

    /** Prometheus text: slots held and total per group (configured and held ones), requests by endpoint and outcome. */
    String metrics() {
        Map<String, Integer> held = new TreeMap<>();
        held.put(RebootGroups.DEFAULT, 0);
        for (SlotHolder h : slots.list()) {
            held.merge(h.group(), 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder();
        b.append("# HELP fleetroll_reboot_slots_held Reboot slots held, per group.\n");
        b.append("# TYPE fleetroll_reboot_slots_held gauge\n");
        held.forEach((g, n) -> b.append("fleetroll_reboot_slots_held{group=\"").append(g).append("\"} ").append(n).append('\n'));
        b.append("# HELP fleetroll_reboot_slots_total Reboot slots, per group.\n");
        b.append("# TYPE fleetroll_reboot_slots_total gauge\n");
        held.keySet().forEach(g -> b.append("fleetroll_reboot_slots_total{group=\"").append(g).append("\"} ")
                .append(groups.slotsOf(g)).append('\n'));
        b.append("# HELP fleetroll_fleetlock_requests_total FleetLock requests, by endpoint and outcome (ok or error kind).\n");
        b.append("# TYPE fleetroll_fleetlock_requests_total counter\n");
        new TreeMap<>(requests).forEach((k, n) -> {
            String[] parts = k.split("\u0000", 2);
            b.append("fleetroll_fleetlock_requests_total{endpoint=\"").append(parts[0]).append("\",outcome=\"")
                    .append(parts[1]).append("\"} ").append(n.get()).append('\n');
        });
        return b.toString();
    }

    private static void send(HttpExchange ex, Reply reply, String textType) throws IOException {
        byte[] bytes;
        if (reply.kind() == null) {
            ex.getResponseHeaders().set("Content-Type", textType);
            bytes = reply.text().getBytes(StandardCharsets.UTF_8);
        } else {
            ObjectNode o = JSON.createObjectNode();
            o.put("kind", reply.kind());
            o.put("value", reply.text());
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            bytes = JSON.writeValueAsBytes(o);
        }
        ex.sendResponseHeaders(reply.status(), bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
