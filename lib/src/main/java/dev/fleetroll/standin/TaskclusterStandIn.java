package dev.fleetroll.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fleetroll.taskcluster.Hawk;
import dev.fleetroll.util.Instants;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for the Taskcluster services fleetroll calls, over real HTTP on 127.0.0.1: worker-manager's
 * {@code listWorkers} (paged, opaque tokens), the queue's {@code getWorker}, task status and {@code quarantineWorker}
 * (Hawk-checked against {@code clients}), with the routes, JSON shapes and error bodies of the real services.
 *
 * <p>Workers and tasks come from a {@link WorkerSource}; quarantines are kept in a {@link QuarantineBook}. Fault knobs
 * ({@link #failNext}, {@link #delayNext}, {@link #malformedNext}, {@link #tokenLoop}, {@link #clockSkew}) let specs
 * provoke what the client must survive, and {@link #requests()} counts every request answered.
 */
public final class TaskclusterStandIn implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskclusterStandIn.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_PAGE = 1000;

    private final WorkerSource source;
    private final Map<String, String> clients;
    private final QuarantineBook book;
    private final Supplier<Instant> clock;
    private final HttpServer server;
    private final ExecutorService executor;

    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger failCount = new AtomicInteger();
    private final AtomicInteger failStatus = new AtomicInteger(503);
    private final AtomicInteger delayCount = new AtomicInteger();
    private final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
    private final AtomicInteger malformed = new AtomicInteger();
    private final Set<String> loopingPools = ConcurrentHashMap.newKeySet();
    private final AtomicLong skewMillis = new AtomicLong();
    private volatile boolean dropExpired;

    private TaskclusterStandIn(WorkerSource source, Map<String, String> clients, QuarantineBook book,
                               Supplier<Instant> clock, InetSocketAddress bind) throws IOException {
        this.source = source;
        this.clients = Map.copyOf(clients);
        this.book = book;
        this.clock = clock;
        this.server = HttpServer.create(bind, 128);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /**
     * Starts a stand-in on 127.0.0.1:{@code port} (0: any free port).
     *
     * @param clients        clientId → accessToken of the callers allowed to quarantine
     * @param quarantineFile where quarantines are kept across restarts; null keeps them in memory
     */
    public static TaskclusterStandIn start(WorkerSource source, Map<String, String> clients, Path quarantineFile, int port)
            throws IOException {
        return start(source, clients, quarantineFile, port, Instant::now);
    }

    /** As {@link #start(WorkerSource, Map, Path, int)}, with the clock the server's time comes from. */
    public static TaskclusterStandIn start(WorkerSource source, Map<String, String> clients, Path quarantineFile,
                                           int port, Supplier<Instant> clock) throws IOException {
        return start(source, clients, quarantineFile, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), clock);
    }

    /**
     * As {@link #start(WorkerSource, Map, Path, int, Supplier)}, listening on {@code bind}, which must be a loopback
     * address (the sandbox gives each fleet its own, {@code 127.SLOT.0.2}).
     */
    public static TaskclusterStandIn start(WorkerSource source, Map<String, String> clients, Path quarantineFile,
                                           InetSocketAddress bind, Supplier<Instant> clock) throws IOException {
        requireLoopback(bind);
        TaskclusterStandIn s = new TaskclusterStandIn(source, clients, QuarantineBook.open(quarantineFile), clock, bind);
        s.server.start();
        LOG.debug("Taskcluster stand-in on {}", s.rootUrl());
        return s;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>} (or the loopback address it listens on): the client's rootUrl. */
    public String rootUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port();
    }

    /** Throws unless {@code bind} is a loopback address: the stand-ins never listen where other machines reach them. */
    static void requireLoopback(InetSocketAddress bind) {
        if (bind.isUnresolved() || !bind.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("stand-ins listen on loopback addresses only, not " + bind);
        }
    }

    /** Requests received so far (every one, answered or failed on purpose). */
    public int requests() {
        return requests.get();
    }

    public QuarantineBook quarantineBook() {
        return book;
    }

    // ---- fault knobs ----------------------------------------------------------------------------------------------

    /** The next {@code count} requests are answered with {@code status} (such as 503) and an error body. */
    public void failNext(int count, int status) {
        failStatus.set(status);
        failCount.set(count);
    }

    /** The next {@code count} requests are answered only after {@code wait}. */
    public void delayNext(int count, Duration wait) {
        delay.set(wait);
        delayCount.set(count);
    }

    /** The next answer is a 200 whose body is cut off in the middle of the JSON. */
    public void malformedNext() {
        malformed.set(1);
    }

    /** Listing {@code pool} ({@code provisionerId/workerType}) answers pages whose token leads back to the same page. */
    public void tokenLoop(String pool) {
        loopingPools.add(pool);
    }

    /**
     * Listings leave out expired workers that are not quarantined, after the page is cut (as the queue's deprecated
     * listing does): a page may then be short, or empty and still carry a token.
     */
    public void dropExpiredWorkers() {
        dropExpired = true;
    }

    /** The server's clock runs this far ahead of the local one (negative: behind). */
    public void clockSkew(Duration skew) {
        skewMillis.set(skew.toMillis());
    }

    private Instant now() {
        return clock.get().plusMillis(skewMillis.get());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- dispatch -------------------------------------------------------------------------------------------------

    private record Reply(int status, String body, Map<String, String> headers) {
        static Reply json(int status, JsonNode body) {
            return new Reply(status, body.toString(), Map.of());
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        Reply reply;
        try {
            reply = answer(ex);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.close();
            return;
        } catch (RuntimeException e) {
            LOG.warn("stand-in: {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
            reply = error(500, "InternalServerError", "Internal Server Error");
        }
        if (malformed.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            reply = new Reply(200, reply.body().substring(0, reply.body().length() / 2) + "<html>", Map.of());
        }
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Reply answer(HttpExchange ex) throws IOException, InterruptedException {
        byte[] body = readAll(ex.getRequestBody());
        if (delayCount.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            Thread.sleep(delay.get().toMillis());
        }
        if (failCount.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return error(failStatus.get(), "InternalServerError", "stand-in failing on purpose (HTTP " + failStatus.get() + ")");
        }
        String method = ex.getRequestMethod();
        String rawPath = ex.getRequestURI().getRawPath();
        String rawQuery = ex.getRequestURI().getRawQuery();
        Map<String, String> query = query(rawQuery);
        List<String> seg = segments(rawPath);

        String caller = null;
        String authorization = ex.getRequestHeaders().getFirst("Authorization");
        if (authorization != null) {
            String resource = rawPath + (rawQuery == null ? "" : "?" + rawQuery);
            String hostHeader = Optional.ofNullable(ex.getRequestHeaders().getFirst("Host")).orElse("");
            int colon = hostHeader.lastIndexOf(':');
            boolean hasPort = colon > hostHeader.lastIndexOf(']') && hostHeader.substring(colon + 1).matches("\\d{1,5}");
            String host = hasPort ? hostHeader.substring(0, colon) : hostHeader;
            int port = hasPort ? Integer.parseInt(hostHeader.substring(colon + 1)) : 80;
            long nowSec = Math.floorDiv(now().toEpochMilli(), 1000);
            Hawk.Verification v = Hawk.verify(authorization, method, resource, host, port,
                    id -> Optional.ofNullable(clients.get(id)), nowSec, Hawk.DEFAULT_SKEW);
            switch (v.status()) {
                case OK -> caller = v.id();
                case STALE_TIMESTAMP -> {
                    ObjectNode n = errorBody("AuthenticationFailed", "Stale timestamp");
                    return new Reply(401, n.toString(),
                            Map.of("WWW-Authenticate", Hawk.staleTimestampChallenge(clients.get(v.id()), nowSec)));
                }
                default -> {
                    return error(401, "AuthenticationFailed", v.message());
                }
            }
        }

        if (seg.size() >= 2 && seg.get(1).equals("v1")) {
            String service = seg.get(0);
            List<String> r = seg.subList(2, seg.size());
            boolean workersRoute = r.size() >= 5 && r.get(0).equals("provisioners") && r.get(2).equals("worker-types")
                    && r.get(4).equals("workers");
            if (service.equals("worker-manager") && workersRoute && r.size() == 5 && method.equals("GET")) {
                return listWorkers(r.get(1), r.get(3), query);
            }
            if (workersRoute && r.size() == 7 && (service.equals("queue") || service.equals("worker-manager"))) {
                QuarantineBook.Key key = new QuarantineBook.Key(r.get(1), r.get(3), r.get(5), r.get(6));
                if (method.equals("GET")) {
                    return getWorker(key);
                }
                if (method.equals("PUT") && service.equals("queue")) {
                    return quarantine(key, caller, body);
                }
            }
            if (service.equals("queue") && r.size() == 3 && r.get(0).equals("task") && r.get(2).equals("status")
                    && method.equals("GET")) {
                return taskStatus(r.get(1));
            }
        }
        return error(404, "ResourceNotFound", "No such resource: " + method + " " + rawPath);
    }

    // ---- routes ---------------------------------------------------------------------------------------------------

    private Reply listWorkers(String provisionerId, String workerType, Map<String, String> query) {
        String pool = provisionerId + "/" + workerType;
        int limit = MAX_PAGE;
        if (query.containsKey("limit")) {
            String l = query.get("limit");
            if (!l.matches("\\d{1,9}")) {
                return error(400, "InvalidRequestArguments", "limit must be digits");
            }
            limit = Math.max(1, Math.min(MAX_PAGE, Integer.parseInt(l)));
        }
        int offset = 0;
        String token = query.get("continuationToken");
        if (token != null) {
            Optional<Integer> o = decodeToken(pool, token);
            if (o.isEmpty()) {
                return error(400, "InvalidRequestArguments", "Invalid continuationToken");
            }
            offset = o.get();
        }
        List<StandInWorker> all = source.workers(provisionerId, workerType);
        Instant now = now();
        boolean onlyQuarantined = "true".equals(query.get("quarantined"));
        int end = Math.min(all.size(), offset + limit);
        ObjectNode out = MAPPER.createObjectNode();
        ArrayNode workers = out.putArray("workers");
        for (StandInWorker w : all.subList(Math.min(offset, all.size()), end)) {
            Optional<Instant> until = book.until(new QuarantineBook.Key(provisionerId, workerType, w.workerGroup(), w.workerId()));
            boolean quarantined = until.filter(u -> !u.isBefore(now)).isPresent();
            if ((onlyQuarantined && !quarantined)
                    || (dropExpired && !quarantined && w.expires() != null && w.expires().isBefore(now))) {
                continue; // filtered after the page is cut, as the services do: pages may come out short
            }
            ObjectNode n = workers.addObject();
            n.put("workerGroup", w.workerGroup());
            n.put("workerId", w.workerId());
            n.put("workerPoolId", pool);
            putInstant(n, "firstClaim", w.firstClaim());
            putInstant(n, "lastDateActive", w.lastDateActive());
            n.put("state", w.state() == null ? "standalone" : w.state());
            n.put("capacity", w.capacity() == null ? 0 : w.capacity());
            n.put("providerId", w.providerId() == null ? "none" : w.providerId());
            until.ifPresent(u -> putInstant(n, "quarantineUntil", u));
            if (w.latestTask() != null) {
                n.putObject("latestTask").put("taskId", w.latestTask().taskId()).put("runId", w.latestTask().runId());
            }
        }
        if (loopingPools.contains(pool)) {
            out.put("continuationToken", encodeToken(pool, offset));
        } else if (end < all.size()) {
            out.put("continuationToken", encodeToken(pool, end));
        }
        return Reply.json(200, out);
    }

    private Optional<StandInWorker> find(QuarantineBook.Key key) {
        return source.workers(key.provisionerId(), key.workerType()).stream()
                .filter(w -> w.workerGroup().equals(key.workerGroup()) && w.workerId().equals(key.workerId()))
                .findFirst();
    }

    private Reply getWorker(QuarantineBook.Key key) {
        Optional<StandInWorker> w = find(key);
        Instant now = now();
        boolean quarantined = book.until(key).filter(u -> u.isAfter(now)).isPresent();
        if (w.isEmpty() || (w.get().expires() != null && w.get().expires().isBefore(now) && !quarantined)) {
            return notFound(key);
        }
        return Reply.json(200, workerResponse(key, w.get()));
    }

    private Reply quarantine(QuarantineBook.Key key, String caller, byte[] body) {
        if (caller == null) {
            return error(403, "InsufficientScopes", "You do not have sufficient scopes. This request requires "
                    + "Taskcluster credentials with the scope queue:quarantine-worker:" + key.provisionerId() + "/"
                    + key.workerType() + "/" + key.workerGroup() + "/" + key.workerId());
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(body);
        } catch (IOException e) {
            return error(400, "MalformedPayload", "The request body is not JSON");
        }
        if (n == null || !n.path("quarantineUntil").isTextual()) {
            return error(400, "InputValidationError", "quarantineUntil (date-time) is required");
        }
        Instant until;
        try {
            until = Instant.parse(n.get("quarantineUntil").asText());
        } catch (DateTimeParseException e) {
            return error(400, "InputValidationError", "quarantineUntil is not a date-time");
        }
        String info = n.hasNonNull("quarantineInfo") ? n.get("quarantineInfo").asText() : "[unspecified]";
        if (info.length() > 4000) {
            return error(400, "InputValidationError", "quarantineInfo is longer than 4000 characters");
        }
        Optional<StandInWorker> w = find(key);
        if (w.isEmpty()) {
            return notFound(key);
        }
        book.record(key, new QuarantineBook.Entry(caller, until, now(), info));
        return Reply.json(200, workerResponse(key, w.get()));
    }

    private Reply taskStatus(String taskId) {
        Optional<StandInTask> t = source.task(taskId);
        if (t.isEmpty()) {
            return error(404, "ResourceNotFound", "`" + taskId + "` does not correspond to a task that exists.");
        }
        ObjectNode out = MAPPER.createObjectNode();
        ObjectNode status = out.putObject("status");
        status.put("taskId", taskId);
        status.put("state", t.get().state());
        ArrayNode runs = status.putArray("runs");
        for (StandInTask.Run r : t.get().runs()) {
            ObjectNode n = runs.addObject();
            n.put("runId", r.runId());
            n.put("state", r.state());
            n.put("reasonCreated", r.runId() == 0 ? "scheduled" : "retry");
            if (r.workerGroup() != null) {
                n.put("workerGroup", r.workerGroup());
            }
            if (r.workerId() != null) {
                n.put("workerId", r.workerId());
            }
            putInstant(n, "started", r.started());
            putInstant(n, "resolved", r.resolved());
        }
        return Reply.json(200, out);
    }

    private ObjectNode workerResponse(QuarantineBook.Key key, StandInWorker w) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("provisionerId", key.provisionerId());
        n.put("workerType", key.workerType());
        n.put("taskQueueId", key.provisionerId() + "/" + key.workerType());
        n.put("workerGroup", w.workerGroup());
        n.put("workerId", w.workerId());
        ArrayNode recent = n.putArray("recentTasks");
        for (StandInWorker.TaskRef t : w.recentTasks()) {
            recent.addObject().put("taskId", t.taskId()).put("runId", t.runId());
        }
        putInstant(n, "expires", w.expires());
        book.until(key).ifPresent(u -> putInstant(n, "quarantineUntil", u));
        ArrayNode details = n.putArray("quarantineDetails");
        for (QuarantineBook.Entry e : book.history(key)) {
            ObjectNode d = details.addObject();
            d.put("clientId", e.clientId());
            putInstant(d, "quarantineUntil", e.quarantineUntil());
            putInstant(d, "updatedAt", e.updatedAt());
            d.put("quarantineInfo", e.quarantineInfo());
        }
        putInstant(n, "firstClaim", w.firstClaim());
        putInstant(n, "lastDateActive", w.lastDateActive());
        return n;
    }

    private static Reply notFound(QuarantineBook.Key key) {
        return error(404, "ResourceNotFound", "Worker with workerId `" + key.workerId() + "`, workerGroup `"
                + key.workerGroup() + "`, worker-type `" + key.workerType() + "` and provisionerId `"
                + key.provisionerId() + "` not found. Are you sure it was created?");
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static ObjectNode errorBody(String code, String message) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("code", code);
        n.put("message", message);
        return n;
    }

    private static Reply error(int status, String code, String message) {
        return Reply.json(status, errorBody(code, message));
    }

    private static void putInstant(ObjectNode n, String field, Instant t) {
        if (t != null) {
            n.put(field, Instants.millisUtc(t));
        }
    }

    private static String encodeToken(String pool, int offset) {
        String json = "{\"pool\":" + MAPPER.valueToTree(pool) + ",\"offset\":" + offset + "}";
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<Integer> decodeToken(String pool, String token) {
        try {
            JsonNode n = MAPPER.readTree(Base64.getUrlDecoder().decode(token));
            if (n != null && pool.equals(n.path("pool").asText()) && n.path("offset").canConvertToInt()
                    && n.path("offset").asInt() >= 0) {
                return Optional.of(n.path("offset").asInt());
            }
        } catch (IOException | IllegalArgumentException e) {
            // below
        }
        return Optional.empty();
    }

    private static List<String> segments(String rawPath) {
        String p = rawPath.startsWith("/api/") ? rawPath.substring(5) : "";
        List<String> out = new ArrayList<>();
        for (String s : p.split("/", -1)) {
            out.add(percentDecode(s));
        }
        return out;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(percentDecode(pair.substring(0, eq)), percentDecode(pair.substring(eq + 1)));
                }
            }
        }
        return out;
    }

    /** Decodes {@code %XX} (not {@code +}, which is a plus in a path). Bad escapes are kept as they are. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length && Character.digit(in[i + 1], 16) >= 0
                    && Character.digit(in[i + 2], 16) >= 0) {
                b.write(Character.digit(in[i + 1], 16) * 16 + Character.digit(in[i + 2], 16));
                i += 2;
            } else {
                b.write(in[i]);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Override
    public String toString() {
        return "TaskclusterStandIn[" + rootUrl() + ", clients=" + Arrays.toString(clients.keySet().toArray()) + "]";
    }
}
