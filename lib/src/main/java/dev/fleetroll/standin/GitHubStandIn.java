package dev.fleetroll.standin;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for the part of the GitHub REST API fleetroll reads: {@code GET
 * /repos/{owner}/{repo}/git/refs/heads}, a real HTTP server on 127.0.0.1 answering in GitHub's JSON shape with
 * {@code Link} paging ({@code per_page} up to 100, default 30; {@code page}), GitHub's 404, 401 and 409 (empty
 * repository) bodies, 301 for renamed repositories ({@link #rename}), and rate-limit headers on every answer (a quota of 5000 requests an hour, enforced).
 * Branch heads come from a {@link RefSource}. Fault knobs queue answers the next requests get instead (in the
 * order queued), for specs of retries and rate limits. {@code fleetroll sandbox up} starts one.
 */
public final class GitHubStandIn implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GitHubStandIn.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern REFS = Pattern.compile("/repos/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)/git/refs/heads/?");
    private static final String DOCS = "https://docs.github.com/rest/git/refs#list-matching-references";
    private static final int QUOTA = 5000;
    private static final Duration QUOTA_WINDOW = Duration.ofHours(1);

    private final RefSource source;
    private final Supplier<Instant> clock;
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI apiUrl;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final Map<String, String> renamed = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile String requiredToken;
    private Instant windowStart; // guarded by this
    private int used; // guarded by this

    private GitHubStandIn(RefSource source, InetSocketAddress bind, Supplier<Instant> clock) throws IOException {
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.server = HttpServer.create(bind, 0);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        this.apiUrl = URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort());
    }

    /** Serves {@code source} on an ephemeral port. */
    public static GitHubStandIn start(RefSource source) {
        return start(source, 0, Instant::now);
    }

    /** Serves {@code source} on {@code port} (0: ephemeral), with {@code clock} for rate-limit resets. */
    public static GitHubStandIn start(RefSource source, int port, Supplier<Instant> clock) {
        return start(source, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), clock);
    }

    /** Serves {@code source} on {@code bind}, which must be a loopback address, with {@code clock} for rate-limit resets. */
    public static GitHubStandIn start(RefSource source, InetSocketAddress bind, Supplier<Instant> clock) {
        TaskclusterStandIn.requireLoopback(bind);
        try {
            return new GitHubStandIn(source, bind, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the GitHub stand-in on " + bind.getAddress().getHostAddress() + ":"
                    + bind.getPort() + ": " + e.getMessage(), e);
        }
    }

    /** The API root to give the client instead of {@code https://api.github.com}. */
    public URI apiUrl() {
        return apiUrl;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The next {@code count} requests get {@code status} (e.g. 502) with a JSON message. */
    public void failNext(int count, int status) {
        queue(count, new Fault.Status(status));
    }

    /** The next {@code count} requests get 403 with {@code X-RateLimit-Remaining: 0}, resetting {@code resetIn} from now. */
    public void rateLimitNext(int count, Duration resetIn) {
        queue(count, new Fault.RateLimited(resetIn));
    }

    /** The next {@code count} requests get 429 with {@code Retry-After: seconds}. */
    public void retryAfterNext(int count, int seconds) {
        queue(count, new Fault.RetryAfter(seconds));
    }

    /** The next {@code count} requests are answered only after {@code delay}, for client timeouts. */
    public void stallNext(int count, Duration delay) {
        queue(count, new Fault.Stall(delay));
    }

    /** The next request gets 200 with a body cut off in the middle of the JSON. */
    public void malformedNext() {
        queue(1, new Fault.Malformed());
    }

    /** From now on only requests with {@code Authorization: Bearer token} are answered, others get 401; null: none. */
    public void requireToken(String token) {
        this.requiredToken = token;
    }

    /**
     * {@code oldOwner/oldRepo} was renamed or transferred to {@code owner/repo}: requests for the old name get 301
     * to the new one, as GitHub answers.
     */
    public void rename(String oldOwnerRepo, String newOwnerRepo) {
        renamed.put(oldOwnerRepo.toLowerCase(java.util.Locale.ROOT), newOwnerRepo);
    }

    /** Requests received so far, answered with faults included. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "GitHubStandIn[" + apiUrl + "]";
    }

    private void queue(int count, Fault fault) {
        for (int i = 0; i < count; i++) {
            faults.add(fault);
        }
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            requests.incrementAndGet();
            Instant now = clock.get();
            Answer answer = answer(ex, now);
            send(ex, answer, now);
        } catch (IOException | RuntimeException e) {
            LOG.warn("GitHub stand-in: {} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
            try {
                send(ex, Answer.message(500, "Server Error"), clock.get());
            } catch (IOException | RuntimeException ignored) {
                // headers already sent or the client went away
            }
        }
    }

    private Answer answer(HttpExchange ex, Instant now) {
        String token = requiredToken;
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (token != null && !("Bearer " + token).equals(auth) && !("token " + token).equals(auth)) {
            return auth == null ? Answer.message(401, "Requires authentication") : Answer.message(401, "Bad credentials");
        }
        Fault fault = faults.poll();
        if (fault instanceof Fault.Stall stall) {
            try {
                Thread.sleep(stall.delay());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("stand-in closed while stalling", e);
            }
        } else if (fault != null) {
            return fault(fault, now);
        }
        Quota quota = take(now);
        if (quota.remaining() < 0) {
            return Answer.message(403, "API rate limit exceeded for 127.0.0.1.").withRateLimit(QUOTA, 0, quota.reset());
        }
        Matcher m = REFS.matcher(ex.getRequestURI().getRawPath());
        if (!"GET".equals(ex.getRequestMethod()) || !m.matches()) {
            return Answer.message(404, "Not Found");
        }
        String owner = m.group(1);
        String repo = m.group(2);
        String movedTo = renamed.get((owner + "/" + repo).toLowerCase(java.util.Locale.ROOT));
        if (movedTo != null) {
            String raw = ex.getRequestURI().getRawQuery();
            String location = apiUrl + "/repos/" + movedTo + "/git/refs/heads" + (raw == null ? "" : "?" + raw);
            return Answer.message(301, "Moved Permanently").withHeader("Location", location);
        }
        Optional<Map<String, String>> heads = source.heads(owner, repo);
        if (heads.isEmpty()) {
            return Answer.message(404, "Not Found");
        }
        if (heads.get().isEmpty()) {
            return Answer.message(409, "Git Repository is empty.");
        }
        return page(owner, repo, heads.get(), query(ex.getRequestURI().getRawQuery()));
    }

    private Answer fault(Fault fault, Instant now) {
        return switch (fault) {
            case Fault.Status s -> Answer.message(s.status(), reason(s.status()));
            case Fault.RateLimited r -> Answer.message(403, "API rate limit exceeded for 127.0.0.1. (But here's the good"
                            + " news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)")
                    .withRateLimit(QUOTA, 0, now.plus(r.resetIn()));
            case Fault.RetryAfter r -> Answer.message(429, "You have exceeded a secondary rate limit. Please wait a few"
                    + " minutes before you try again.").withHeader("Retry-After", Integer.toString(r.seconds()));
            case Fault.Stall s -> throw new IllegalStateException("a stall is not an answer");
            case Fault.Malformed m -> new Answer(200, "[{\"ref\":\"refs/heads/master\",\"object\":{\"sha\":\""
                    .getBytes(StandardCharsets.UTF_8), List.of(), null);
        };
    }

    private Answer page(String owner, String repo, Map<String, String> heads, Map<String, String> query) {
        int perPage = Math.clamp(intParam(query, "per_page", 30), 1, 100);
        int page = Math.max(1, intParam(query, "page", 1));
        List<String> names = new ArrayList<>(heads.keySet());
        names.sort(null);
        int lastPage = Math.max(1, (names.size() + perPage - 1) / perPage);
        String base = apiUrl + "/repos/" + owner + "/" + repo;
        ArrayNode body = MAPPER.createArrayNode();
        for (int i = (page - 1) * perPage; i < Math.min(names.size(), page * perPage) && i >= 0; i++) {
            String ref = "refs/heads/" + names.get(i);
            String sha = heads.get(names.get(i));
            ObjectNode node = body.addObject();
            node.put("ref", ref);
            node.put("node_id", "REF_" + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((owner + "/" + repo + ":" + ref).getBytes(StandardCharsets.UTF_8)));
            node.put("url", base + "/git/" + ref);
            ObjectNode object = node.putObject("object");
            object.put("sha", sha);
            object.put("type", "commit");
            object.put("url", base + "/git/commits/" + sha);
        }
        List<String> links = new ArrayList<>();
        String pageUrl = base + "/git/refs/heads?per_page=" + perPage + "&page=";
        if (page > 1) {
            links.add("<" + pageUrl + Math.min(page - 1, lastPage) + ">; rel=\"prev\"");
        }
        if (page < lastPage) {
            links.add("<" + pageUrl + (page + 1) + ">; rel=\"next\"");
            links.add("<" + pageUrl + lastPage + ">; rel=\"last\"");
        }
        if (page > 1) {
            links.add("<" + pageUrl + 1 + ">; rel=\"first\"");
        }
        Answer answer = new Answer(200, json(body), List.of(), null);
        return links.isEmpty() ? answer : answer.withHeader("Link", String.join(", ", links));
    }

    private synchronized Quota take(Instant now) {
        if (windowStart == null || !now.isBefore(windowStart.plus(QUOTA_WINDOW))) {
            windowStart = now;
            used = 0;
        }
        used++;
        return new Quota(QUOTA - used, windowStart.plus(QUOTA_WINDOW));
    }

    private synchronized Quota peek(Instant now) {
        if (windowStart == null || !now.isBefore(windowStart.plus(QUOTA_WINDOW))) {
            return new Quota(QUOTA, now.plus(QUOTA_WINDOW));
        }
        return new Quota(QUOTA - used, windowStart.plus(QUOTA_WINDOW));
    }

    private void send(HttpExchange ex, Answer a, Instant now) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", "application/json; charset=utf-8");
        h.set("X-GitHub-Media-Type", "github.v3; format=json");
        h.set("X-GitHub-Api-Version-Selected", "2022-11-28");
        h.set("X-GitHub-Request-Id", UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT));
        RateHeaders rate = a.rate() != null ? a.rate() : rateHeaders(peek(now));
        h.set("X-RateLimit-Limit", Integer.toString(rate.limit()));
        h.set("X-RateLimit-Remaining", Integer.toString(rate.remaining()));
        h.set("X-RateLimit-Reset", Long.toString(rate.reset().getEpochSecond()));
        h.set("X-RateLimit-Used", Integer.toString(rate.limit() - rate.remaining()));
        h.set("X-RateLimit-Resource", "core");
        a.headers().forEach(kv -> h.add(kv[0], kv[1]));
        ex.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
        if (a.body().length > 0) {
            ex.getResponseBody().write(a.body());
        }
    }

    private static RateHeaders rateHeaders(Quota q) {
        return new RateHeaders(QUOTA, Math.max(0, q.remaining()), q.reset());
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String part : raw.split("&")) {
                int eq = part.indexOf('=');
                String k = eq < 0 ? part : part.substring(0, eq);
                String v = eq < 0 ? "" : part.substring(eq + 1);
                q.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    private static int intParam(Map<String, String> query, String name, int fallback) {
        try {
            return Integer.parseInt(query.getOrDefault(name, ""));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 500 -> "Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error " + status;
        };
    }

    private static byte[] json(Object node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Requests left in the hour ({@code < 0}: over the quota) and when the hour ends. */
    private record Quota(int remaining, Instant reset) {}

    private record RateHeaders(int limit, int remaining, Instant reset) {}

    /** A status, body, extra headers, and rate-limit headers when not the quota's. */
    private record Answer(int status, byte[] body, List<String[]> headers, RateHeaders rate) {
        static Answer message(int status, String message) {
            ObjectNode node = MAPPER.createObjectNode();
            node.put("message", message);
            node.put("documentation_url", status == 401 ? "https://docs.github.com/rest" : DOCS);
            node.put("status", Integer.toString(status));
            return new Answer(status, json(node), List.of(), null);
        }

        Answer withHeader(String name, String value) {
            List<String[]> h = new ArrayList<>(headers);
            h.add(new String[] {name, value});
            return new Answer(status, body, List.copyOf(h), rate);
        }

        Answer withRateLimit(int limit, int remaining, Instant reset) {
            return new Answer(status, body, headers, new RateHeaders(limit, remaining, reset));
        }
    }
}
