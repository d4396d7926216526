package dev.fleetroll.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the part of Bugzilla's REST API that fleetroll's reboot ladder uses to hand a host to a
 * human: a real HTTP server on a loopback address answering in Bugzilla's JSON shape.
 *
 * <ul>
 *   <li>{@code POST /rest/bug} with {@code X-BUGZILLA-API-KEY} and {@code {product, component, summary, version,
 *       description, whiteboard, ...}}: files a bug, answers {@code {"id": N}} (ids from 1)</li>
 *   <li>{@code GET /rest/bug?whiteboard=..&summary=..&status=..&resolution=..&product=..&component=..&id=..}:
 *       {@code {"bugs": [...]}}; whiteboard and summary match substrings, the others exactly ({@code resolution=---}:
 *       open bugs)</li>
 *   <li>{@code GET /rest/bug/N}, {@code GET /rest/bug/N/comment} (the description is comment 0)</li>
 *   <li>{@code PUT /rest/bug/N} with the key and {@code {status, resolution}}: e.g. {@code RESOLVED}/{@code FIXED}</li>
 * </ul>
 *
 * Writes without a key get Bugzilla's 401 (code 410), with a wrong key its 400 (code 306); reads need none. The bugs
 * live in memory for the life of the process. {@code fleetroll sandbox up} starts one with its other stand-ins.
 */
public final class BugzillaStandIn implements AutoCloseable {
    /** The header Bugzilla takes an API key in. */
    public static final String API_KEY_HEADER = "X-BUGZILLA-API-KEY";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BUG = Pattern.compile("/rest/bug/(\\d+)(/comment)?/?");

    /** One bug as the stand-in keeps it. */
    public record Bug(int id, String product, String component, String summary, String version, String whiteboard,
                      String description, String status, String resolution, Instant created) {
        boolean open() {
            return resolution.isEmpty();
        }

        Bug resolved(String newStatus, String newResolution) {
            return new Bug(id, product, component, summary, version, whiteboard, description, newStatus, newResolution, created);
        }
    }

    private final byte[] apiKey;
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI url;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Bug> bugs = new ArrayList<>(); // guarded by this

    private BugzillaStandIn(String apiKey, InetSocketAddress bind) throws IOException {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("the Bugzilla stand-in needs an API key");
        }
        this.apiKey = apiKey.getBytes(StandardCharsets.UTF_8);
        this.server = HttpServer.create(bind, 0);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        this.url = URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
    }

    /** Serves on an ephemeral port of 127.0.0.1, accepting writes with {@code apiKey}. */
    public static BugzillaStandIn start(String apiKey) {
        return start(apiKey, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** Serves on {@code bind}, which must be a loopback address. */
    public static BugzillaStandIn start(String apiKey, InetSocketAddress bind) {
        TaskclusterStandIn.requireLoopback(bind);
        try {
            return new BugzillaStandIn(apiKey, bind);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Bugzilla stand-in on " + bind.getAddress().getHostAddress() + ":"
                    + bind.getPort() + ": " + e.getMessage(), e);
        }
    }

    /** The base URL to give the client ({@code bugs.url}). */
    public URI url() {
        return url;
    }

    public int requests() {
        return requests.get();
    }

    /** Every bug filed so far, oldest first. */
    public synchronized List<Bug> bugs() {
        return List.copyOf(bugs);
    }

    /** Closes bug {@code id} (RESOLVED/FIXED), as a human would once the host is back. */
    public synchronized void resolve(int id) {
        bugs.replaceAll(b -> b.id() == id ? b.resolved("RESOLVED", "FIXED") : b);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            requests.incrementAndGet();
            Answer a;
            try {
                a = answer(ex);
            } catch (IOException | RuntimeException e) {
                a = error(400, 32614, "The request could not be read: " + e.getMessage());
            }
            byte[] body = JSON.writeValueAsBytes(a.body());
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(a.status(), body.length);
            ex.getResponseBody().write(body);
        } catch (IOException | RuntimeException e) {
            // the client went away
        }
    }

    private record Answer(int status, JsonNode body) {}

    private Answer answer(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod();
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        if (path.equals("/rest/bug") || path.equals("/rest/bug/")) {
            return switch (method) {
                case "GET" -> list(q);
                case "POST" -> {
                    Answer denied = checkKey(ex);
                    yield denied != null ? denied : create(JSON.readTree(ex.getRequestBody()));
                }
                default -> error(405, 32614, "Method not allowed: " + method);
            };
        }
        Matcher m = BUG.matcher(path);
        if (m.matches()) {
            int id = Integer.parseInt(m.group(1));
            Bug bug = find(id);
            if (bug == null) {
                return error(404, 101, "Bug #" + id + " does not exist.");
            }
            if (m.group(2) != null && method.equals("GET")) {
                ObjectNode c = JSON.createObjectNode();
                c.put("id", 1).put("bug_id", id).put("count", 0).put("text", bug.description())
                        .put("creation_time", bug.created().toString());
                ObjectNode out = JSON.createObjectNode();
                out.putObject("bugs").putObject(Integer.toString(id)).putArray("comments").add(c);
                return new Answer(200, out);
            }
            if (method.equals("GET")) {
                ObjectNode out = JSON.createObjectNode();
                out.putArray("bugs").add(json(bug));
                return new Answer(200, out);
            }
            if (method.equals("PUT")) {
                Answer denied = checkKey(ex);
                return denied != null ? denied : update(bug, JSON.readTree(ex.getRequestBody()));
            }
            return error(405, 32614, "Method not allowed: " + method);
        }
        return error(404, 32614, "The requested resource '" + path + "' was not found.");
    }

    private Answer checkKey(HttpExchange ex) {
        String key = ex.getRequestHeaders().getFirst(API_KEY_HEADER);
        if (key == null || key.isEmpty()) {
            return error(401, 410, "You must log in before using this part of Bugzilla.");
        }
        if (!MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), apiKey)) {
            return error(400, 306, "The API key you specified is invalid. Please check that you typed it correctly.");
        }
        return null;
    }

    private synchronized Answer create(JsonNode body) {
        String summary = text(body, "summary");
        if (summary.isBlank()) {
            return error(400, 32000, "You must enter a summary for this bug.");
        }
        String product = text(body, "product");
        String component = text(body, "component");
        if (product.isBlank() || component.isBlank()) {
            return error(400, 51, "You must select/enter a product and a component.");
        }
        Bug bug = new Bug(bugs.size() + 1, product, component, summary, text(body, "version"), text(body, "whiteboard"),
                text(body, "description"), "NEW", "", Instant.now());
        bugs.add(bug);
        ObjectNode out = JSON.createObjectNode();
        out.put("id", bug.id());
        return new Answer(200, out);
    }

    private synchronized Answer update(Bug bug, JsonNode body) {
        String status = text(body, "status");
        String resolution = text(body, "resolution");
        Bug updated = bug.resolved(status.isEmpty() ? bug.status() : status, body.has("resolution") ? resolution : bug.resolution());
        bugs.replaceAll(b -> b.id() == bug.id() ? updated : b);
        ObjectNode out = JSON.createObjectNode();
        ObjectNode changed = out.putArray("bugs").addObject();
        changed.put("id", bug.id());
        changed.putObject("changes");
        return new Answer(200, out);
    }

    private synchronized Answer list(Map<String, String> q) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode arr = out.putArray("bugs");
        for (Bug b : bugs) {
            if (matches(b, q)) {
                arr.add(json(b));
            }
        }
        return new Answer(200, out);
    }

    private static boolean matches(Bug b, Map<String, String> q) {
        for (Map.Entry<String, String> e : q.entrySet()) {
            String v = e.getValue();
            boolean ok = switch (e.getKey()) {
                case "whiteboard" -> b.whiteboard().contains(v);
                case "summary" -> b.summary().contains(v);
                case "status", "bug_status" -> b.status().equals(v);
                case "resolution" -> b.resolution().equals(v.equals("---") ? "" : v);
                case "product" -> b.product().equals(v);
                case "component" -> b.component().equals(v);
                case "id" -> List.of(v.split(",")).contains(Integer.toString(b.id()));
                default -> true; // include_fields, limit, ...: not filters
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private synchronized Bug find(int id) {
        return bugs.stream().filter(b -> b.id() == id).findFirst().orElse(null);
    }

    private static ObjectNode json(Bug b) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", b.id()).put("product", b.product()).put("component", b.component()).put("summary", b.summary())
                .put("version", b.version()).put("whiteboard", b.whiteboard()).put("status", b.status())
                .put("resolution", b.resolution()).put("is_open", b.open()).put("creation_time", b.created().toString());
        return n;
    }

    private static Answer error(int status, int code, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", true).put("code", code).put("message", message).put("documentation",
                "https://bugzilla.readthedocs.io/en/latest/api/index.html");
        return new Answer(status, n);
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body == null ? null : body.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }
}
