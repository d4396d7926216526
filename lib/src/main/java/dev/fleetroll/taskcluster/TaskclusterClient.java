package dev.fleetroll.taskcluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetroll.UserError;
import dev.fleetroll.util.Concurrently;
import dev.fleetroll.util.Instants;
import dev.fleetroll.util.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for the few Taskcluster REST calls fleetroll needs: list a pool's workers (worker-manager), read one
 * worker and a task's runs (queue), and quarantine a worker (queue, Hawk-signed).
 *
 * <p>URLs are {@code <rootUrl>/api/<service>/v1<route>}, each path parameter escaped on its own like JavaScript's
 * {@code encodeURIComponent}. Every request is Hawk-signed when credentials are set. Connection errors, timeouts and
 * 5xx answers are retried with exponential backoff and jitter; 4xx answers are not, except one retry after a
 * stale-timestamp 401, with the clock offset the server's answer gives (kept for later calls). Thread-safe.
 */
public final class TaskclusterClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskclusterClient.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final int MAX_MESSAGE = 300;

    /**
     * How the client talks to one deployment.
     *
     * @param rootUrl        such as {@code https://firefox-ci-tc.services.mozilla.com} (a trailing {@code /} is dropped)
     * @param credentials    null for anonymous reads (quarantine then fails)
     * @param requestTimeout per attempt, connect and answer
     * @param maxAttempts    tries per request for connection errors, timeouts and 5xx
     * @param baseBackoff    the first wait; each later one doubles, with jitter (50-100 % of the value)
     * @param pageLimit      {@code limit} asked per page (the services cap it at 1000)
     * @param maxPages       a listing that needs more pages than this is stopped with an error
     * @param clock          the local clock Hawk timestamps come from
     */
    public record Settings(String rootUrl, TaskclusterCredentials credentials, Duration requestTimeout, int maxAttempts,
                           Duration baseBackoff, Sleeper sleeper, int pageLimit, int maxPages, Supplier<Instant> clock) {
        public Settings {
            if (rootUrl == null || !(rootUrl.startsWith("http://") || rootUrl.startsWith("https://"))) {
                throw new IllegalArgumentException("rootUrl must be an http(s) URL: " + rootUrl);
            }
            rootUrl = rootUrl.replaceAll("/+$", "");
            if (maxAttempts < 1 || pageLimit < 1 || maxPages < 1) {
                throw new IllegalArgumentException("maxAttempts, pageLimit and maxPages must be at least 1");
            }
        }

        /** The defaults: 30 s per request, 5 attempts from 200 ms, pages of 1000, at most 10,000 pages. */
        public static Settings of(String rootUrl, TaskclusterCredentials credentials) {
            return new Settings(rootUrl, credentials, Duration.ofSeconds(30), 5, Duration.ofMillis(200),
                    Sleeper.REAL, 1000, 10_000, Instant::now);
        }

        public Settings withCredentials(TaskclusterCredentials c) {
            return new Settings(rootUrl, c, requestTimeout, maxAttempts, baseBackoff, sleeper, pageLimit, maxPages, clock);
        }

        public Settings withRequestTimeout(Duration d) {
            return new Settings(rootUrl, credentials, d, maxAttempts, baseBackoff, sleeper, pageLimit, maxPages, clock);
        }

        public Settings withRetries(int attempts, Duration base, Sleeper s) {
            return new Settings(rootUrl, credentials, requestTimeout, attempts, base, s, pageLimit, maxPages, clock);
        }

        public Settings withPaging(int limit, int pages) {
            return new Settings(rootUrl, credentials, requestTimeout, maxAttempts, baseBackoff, sleeper, limit, pages, clock);
        }

        public Settings withClock(Supplier<Instant> c) {
            return new Settings(rootUrl, credentials, requestTimeout, maxAttempts, baseBackoff, sleeper, pageLimit, maxPages, c);
        }
    }

    private record Answer(int status, String body, HttpResponse<String> response) {}

    private final Settings settings;
    private final HttpClient http;
    private final AtomicLong clockOffsetMillis = new AtomicLong();
    private final AtomicLong pages = new AtomicLong();

    public TaskclusterClient(Settings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // plain http is a local stand-in: no h2c upgrade attempt on each new connection
                .version(settings.rootUrl().startsWith("https:") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .build();
    }

    public Settings settings() {
        return settings;
    }

    /** How far the server's clock is ahead of ours, as learned from a stale-timestamp answer (zero until then). */
    public Duration clockOffset() {
        return Duration.ofMillis(clockOffsetMillis.get());
    }

    /** Listing pages fetched so far by this client. */
    public long pagesFetched() {
        return pages.get();
    }

    // ---- calls ---------------------------------------------------------------------------------------------------

    /**
     * All workers of a pool from worker-manager's {@code listWorkers}, following {@code continuationToken} until the
     * answer has none (a page may be empty and still carry one).
     *
     * @throws TaskclusterException naming the pool when a request fails, a token repeats or there are too many pages
     */
    public List<Worker> listWorkers(String provisionerId, String workerType) {
        String pool = provisionerId + "/" + workerType;
        String path = "/provisioners/" + encode(provisionerId) + "/worker-types/" + encode(workerType) + "/workers";
        List<Worker> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String token = null;
        for (int page = 1; ; page++) {
            if (page > settings.maxPages()) {
                throw new TaskclusterException("pool " + pool + ": more than " + settings.maxPages()
                        + " pages of workers, stopped (the continuation token never ran out)");
            }
            String query = "limit=" + settings.pageLimit() + (token == null ? "" : "&continuationToken=" + encode(token));
            URI uri = uri("worker-manager", path, query);
            JsonNode body;
            try {
                Answer a = call("GET", uri, null);
                if (a.status() != 200) {
                    throw failure("GET", uri, a);
                }
                body = json(uri, a.body());
            } catch (TaskclusterException e) {
                throw new TaskclusterException("pool " + pool + ": " + e.getMessage(), e.status(), e.getCause());
            }
            pages.incrementAndGet();
            JsonNode workers = body.path("workers");
            if (!workers.isArray()) {
                throw new TaskclusterException("pool " + pool + ": malformed JSON from " + uri + ": no workers array");
            }
            for (JsonNode w : workers) {
                out.add(worker(uri, w));
            }
            JsonNode next = body.get("continuationToken");
            if (next == null || next.isNull() || next.asText().isEmpty()) {
                return out;
            }
            token = next.asText();
            if (!seen.add(token)) {
                throw new TaskclusterException("pool " + pool + ": the continuation token repeated after " + page
                        + " pages (a paging loop on the server), stopped");
            }
        }
    }

    /**
     * Lists several pools, at most {@code concurrency} at a time. One pool failing does not lose the others: its
     * entry holds the error. The map is in the order of {@code pools}.
     */
    public Map<Pool, PoolResult> listWorkers(Collection<Pool> pools, int concurrency) {
        Map<Pool, Concurrently.Outcome<List<Worker>>> listed;
        try {
            listed = Concurrently.map(pools, concurrency, p -> listWorkers(p.provisionerId(), p.workerType()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskclusterException("interrupted while listing workers");
        }
        Map<Pool, PoolResult> out = new LinkedHashMap<>();
        listed.forEach((p, o) -> out.put(p, o.ok() ? PoolResult.of(o.value()) : PoolResult.failed(o.error())));
        return out;
    }

    /** The queue's view of one worker; empty when the queue does not know it (404). */
    public Optional<WorkerDetails> getWorker(String provisionerId, String workerType, String workerGroup, String workerId) {
        URI uri = uri("queue", workerPath(provisionerId, workerType, workerGroup, workerId), null);
        Answer a = call("GET", uri, null);
        if (a.status() == 404) {
            return Optional.empty();
        }
        if (a.status() != 200) {
            throw failure("GET", uri, a);
        }
        return Optional.of(workerDetails(uri, json(uri, a.body())));
    }

    /** Run {@code runId} of a task, from the queue's task status; empty when the task or the run is unknown. */
    public Optional<TaskRun> latestRun(String taskId, int runId) {
        URI uri = uri("queue", "/task/" + encode(taskId) + "/status", null);
        Answer a = call("GET", uri, null);
        if (a.status() == 404) {
            return Optional.empty();
        }
        if (a.status() != 200) {
            throw failure("GET", uri, a);
        }
        JsonNode runs = json(uri, a.body()).path("status").path("runs");
        if (!runs.isArray()) {
            throw new TaskclusterException("malformed JSON from " + uri + ": no status.runs array");
        }
        for (JsonNode r : runs) {
            if (r.path("runId").asInt(-1) == runId) {
                return Optional.of(new TaskRun(taskId, runId, text(r, "state"), instant(uri, r, "started"),
                        instant(uri, r, "resolved")));
            }
        }
        return Optional.empty();
    }

    /**
     * Quarantines a worker until {@code quarantineUntil}; {@code now} (or earlier) lifts a quarantine. Needs
     * credentials.
     *
     * @throws UserError without credentials
     * @throws TaskclusterException when the queue refuses, or does not know the worker (404)
     */
    public WorkerDetails quarantineWorker(String provisionerId, String workerType, String workerGroup, String workerId,
                                         Instant quarantineUntil, String quarantineInfo) {
        if (settings.credentials() == null) {
            throw TaskclusterCredentials.missing("quarantine");
        }
        URI uri = uri("queue", workerPath(provisionerId, workerType, workerGroup, workerId), null);
        ObjectNode body = MAPPER.createObjectNode();
        body.put("quarantineUntil", Instants.millisUtc(quarantineUntil));
        if (quarantineInfo != null) {
            body.put("quarantineInfo", quarantineInfo);
        }
        Answer a = call("PUT", uri, body.toString().getBytes(StandardCharsets.UTF_8));
        if (a.status() != 200) {
            throw failure("PUT", uri, a);
        }
        return workerDetails(uri, json(uri, a.body()));
    }

    /** Lifts a worker's quarantine (sets its end to the current time). */
    public WorkerDetails unquarantineWorker(String provisionerId, String workerType, String workerGroup, String workerId,
                                           String quarantineInfo) {
        return quarantineWorker(provisionerId, workerType, workerGroup, workerId, settings.clock().get(), quarantineInfo);
    }

    @Override
    public void close() {
        http.close();
    }

    // ---- transport -----------------------------------------------------------------------------------------------

    private Answer call(String method, URI uri, byte[] body) {
        String what = method + " " + uri;
        boolean skewRetried = false;
        String last = null;
        int lastStatus = 0;
        IOException lastCause = null;
        int attempt = 0;
        while (attempt < settings.maxAttempts()) {
            attempt++;
            HttpRequest request = request(method, uri, body);
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = r.statusCode();
                if (status == 401 && !skewRetried && correctSkew(r)) {
                    skewRetried = true;
                    attempt--; // the retry with a corrected clock is not a failed attempt
                    continue;
                }
                if (status < 500) {
                    return new Answer(status, r.body(), r);
                }
                last = "HTTP " + status;
                lastStatus = status;
                lastCause = null;
            } catch (HttpTimeoutException e) {
                last = "no answer within " + settings.requestTimeout().toMillis() + " ms";
                lastCause = e;
            } catch (IOException e) {
                last = "cannot connect (" + scrub(String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage())) + ")";
                lastCause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TaskclusterException(what + ": interrupted");
            }
            if (attempt < settings.maxAttempts()) {
                Duration wait = backoff(attempt);
                LOG.info("{}: {}, attempt {} of {}, retrying in {} ms", what, last, attempt, settings.maxAttempts(),
                        wait.toMillis());
                try {
                    settings.sleeper().sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TaskclusterException(what + ": interrupted");
                }
            }
        }
        throw new TaskclusterException(what + ": " + last + " after " + settings.maxAttempts() + " attempts",
                lastStatus, lastCause);
    }

    private HttpRequest request(String method, URI uri, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Accept", "application/json");
        String hash = null;
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            hash = Hawk.payloadHash("application/json", body);
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        TaskclusterCredentials c = settings.credentials();
        if (c != null) {
            long ts = Math.floorDiv(settings.clock().get().toEpochMilli() + clockOffsetMillis.get(), 1000);
            String resource = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            String ext = c.certificate() == null ? null : Hawk.certificateExt(c.certificate());
            b.header("Authorization", Hawk.header(c.clientId(), c.accessToken(),
                    new Hawk.Artifacts(ts, Hawk.nonce(), method, resource, uri.getHost(), port, hash, ext)));
        }
        return b.build();
    }

    /**
     * For a 401 that says the timestamp is stale: learns the offset from the server's {@code ts} (or its
     * {@code Date} header) and answers true, so the request is sent again.
     */
    private boolean correctSkew(HttpResponse<String> r) {
        Optional<String> challenge = r.headers().firstValue("WWW-Authenticate");
        boolean stale = challenge.map(h -> h.contains("Stale timestamp")).orElse(false)
                || (r.body() != null && r.body().contains("Stale timestamp"));
        if (!stale || settings.credentials() == null) {
            return false;
        }
        Long serverMillis = null;
        Map<String, String> at = challenge.flatMap(Hawk::attributes).orElse(Map.of());
        if (at.containsKey("ts")) {
            try {
                long ts = Long.parseLong(at.get("ts"));
                String tsm = at.get("tsm");
                if (tsm != null && !tsm.equals(Hawk.timestampMac(settings.credentials().accessToken(), ts))) {
                    LOG.warn("{}: a stale-timestamp answer with a bad tsm, not trusted", r.uri());
                    return false;
                }
                serverMillis = ts * 1000;
            } catch (NumberFormatException e) {
                serverMillis = null;
            }
        }
        if (serverMillis == null) {
            Optional<String> date = r.headers().firstValue("Date");
            if (date.isEmpty()) {
                return false;
            }
            try {
                serverMillis = ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                return false;
            }
        }
        long offset = serverMillis - settings.clock().get().toEpochMilli();
        clockOffsetMillis.set(offset);
        LOG.info("{}: the server's clock is {} s off ours; Hawk timestamps corrected", r.uri(), offset / 1000);
        return true;
    }

    private Duration backoff(int attempt) {
        long base = settings.baseBackoff().toMillis();
        long full = Math.min(MAX_BACKOFF.toMillis(), base << Math.min(attempt - 1, 20));
        long jittered = full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1);
        return Duration.ofMillis(jittered);
    }

    private TaskclusterException failure(String method, URI uri, Answer a) {
        String message = null;
        try {
            JsonNode n = MAPPER.readTree(a.body());
            if (n != null && n.hasNonNull("message")) {
                message = n.get("message").asText();
            }
            if (n != null && n.hasNonNull("code")) {
                message = n.get("code").asText() + (message == null ? "" : ": " + message);
            }
        } catch (JsonProcessingException e) {
            message = a.body();
        }
        String detail = message == null || message.isBlank() ? "" : ": " + oneLine(message);
        return new TaskclusterException(method + " " + uri + ": HTTP " + a.status() + detail, a.status(), null);
    }

    private JsonNode json(URI uri, String body) {
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n == null || !n.isObject()) {
                throw new TaskclusterException("malformed JSON from " + uri + ": not a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            String reason = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
            throw new TaskclusterException("malformed JSON from " + uri + ": " + oneLine(reason));
        }
    }

    /** First line, at most {@value #MAX_MESSAGE} characters, with any occurrence of the access token masked. */
    private String oneLine(String s) {
        String line = s.strip().lines().findFirst().orElse("").strip();
        if (line.length() > MAX_MESSAGE) {
            line = line.substring(0, MAX_MESSAGE) + "...";
        }
        return scrub(line);
    }

    private String scrub(String s) {
        TaskclusterCredentials c = settings.credentials();
        return c == null ? s : s.replace(c.accessToken(), "***");
    }

    // ---- URLs and JSON ---------------------------------------------------------------------------------------------

    private URI uri(String service, String route, String query) {
        return URI.create(settings.rootUrl() + "/api/" + service + "/v1" + route + (query == null ? "" : "?" + query));
    }

    private static String workerPath(String p, String wt, String wg, String wid) {
        return "/provisioners/" + encode(p) + "/worker-types/" + encode(wt) + "/workers/" + encode(wg) + "/" + encode(wid);
    }

    /** Percent-encodes like JavaScript's {@code encodeURIComponent}: all but {@code A-Z a-z 0-9 - _ . ! ~ * ' ( )}. */
    public static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-_.!~*'()".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    private static Worker worker(URI uri, JsonNode w) {
        if (!w.isObject()) {
            throw new TaskclusterException("malformed JSON from " + uri + ": a worker entry is not an object");
        }
        JsonNode lt = w.get("latestTask");
        LatestTask latest = lt != null && lt.isObject() && lt.hasNonNull("taskId")
                ? new LatestTask(lt.get("taskId").asText(), lt.path("runId").asInt(0)) : null;
        JsonNode cap = w.get("capacity");
        return new Worker(text(w, "workerPoolId"), text(w, "workerGroup"), text(w, "workerId"), text(w, "state"),
                cap == null || cap.isNull() ? null : cap.asInt(), text(w, "providerId"), instant(uri, w, "firstClaim"),
                instant(uri, w, "lastDateActive"), instant(uri, w, "quarantineUntil"), latest);
    }

    private static WorkerDetails workerDetails(URI uri, JsonNode n) {
        List<RecentTask> recent = new ArrayList<>();
        for (JsonNode t : n.path("recentTasks")) {
            recent.add(new RecentTask(text(t, "taskId"), t.path("runId").asInt(0)));
        }
        List<QuarantineDetail> details = new ArrayList<>();
        for (JsonNode d : n.path("quarantineDetails")) {
            details.add(new QuarantineDetail(text(d, "clientId"), instant(uri, d, "quarantineUntil"),
                    instant(uri, d, "updatedAt"), text(d, "quarantineInfo")));
        }
        return new WorkerDetails(text(n, "provisionerId"), text(n, "workerType"), text(n, "workerGroup"),
                text(n, "workerId"), recent, instant(uri, n, "quarantineUntil"), details, instant(uri, n, "firstClaim"),
                instant(uri, n, "lastDateActive"), instant(uri, n, "expires"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(URI uri, JsonNode n, String field) {
        String s = text(n, field);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new TaskclusterException("malformed JSON from " + uri + ": " + field + " is not a date-time");
        }
    }
}
