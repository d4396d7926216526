package dev.fleetroll.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fleetroll.UserError;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.auditlog.AuditRecord;
import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.monitor.FleetFeed;
import dev.fleetroll.monitor.MonitorView;
import dev.fleetroll.monitor.Tones;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ops.Notes;
import dev.fleetroll.ops.PuppetRunReport;
import dev.fleetroll.ops.QuarantineResults;
import dev.fleetroll.ops.RunPuppet;
import dev.fleetroll.ops.write.ContentStores;
import dev.fleetroll.ops.write.StoreContentAccess;
import dev.fleetroll.ops.RebootPlan;
import dev.fleetroll.reboot.HostReboot;
import dev.fleetroll.reboot.RebootSlots;
import dev.fleetroll.reboot.Reboots;
import dev.fleetroll.reboot.SlotHolder;
import dev.fleetroll.ops.write.WriteContext;
import dev.fleetroll.ops.WriteGate;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.state.Column;
import dev.fleetroll.state.Columns;
import dev.fleetroll.state.HostState;
import dev.fleetroll.state.NamedFilter;
import dev.fleetroll.state.NamedFilters;
import dev.fleetroll.state.NoteEntry;
import dev.fleetroll.state.Observation;
import dev.fleetroll.state.Query;
import dev.fleetroll.state.TaskclusterState;
import dev.fleetroll.store.ObservationJson;
import dev.fleetroll.store.Store;
import dev.fleetroll.util.Durations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code fleetroll serve}: one process serving the monitor's data over HTTP (the REST API {@code /api/v1}, the
 * read-only web UI, {@code /metrics}, {@code /healthz}) and, when it holds the store's scanner lease, running the
 * scheduled scans ({@link Scanner}). Built on the JDK's {@code com.sun.net.httpserver} with a virtual thread per
 * request: no framework, fast start.
 *
 * <p>Reads come from one {@link FleetFeed} polled by {@link LiveFleet}; every view goes through {@link MonitorView}
 * and the standard {@link Columns}, so the API, the UI and the terminal monitor agree on every column, filter and
 * tone. Actions ({@code note}, {@code quarantine}, {@code run-puppet}) need Hawk credentials ({@link HawkCheck}) with
 * the action's scope ({@link Scopes}), call the same lib operations as the CLI and are recorded in the audit log with
 * the client id as actor. Errors are JSON {@code {"error": "...", "code": N}}.
 */
public final class FleetServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetServer.class);
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String API = "/api/v1";
    private static final int HISTORY_LIMIT = 50;
    private static final int AUDIT_LIMIT_DEFAULT = 200;

    /** Every API route this server answers ({@code METHOD PATH}); the OpenAPI document describes each (a spec checks). */
    public static final List<String> ROUTES = List.of(
            "GET /api/v1/hosts", "GET /api/v1/hosts/{name}", "POST /api/v1/hosts/{name}/note",
            "POST /api/v1/hosts/{name}/quarantine", "POST /api/v1/hosts/{name}/run-puppet",
            "POST /api/v1/hosts/{name}/reboot", "GET /api/v1/filters", "GET /api/v1/audit-log", "GET /api/v1/events",
            "GET /api/v1/openapi.json", "GET /metrics", "GET /healthz");

    /**
     * How a server runs.
     *
     * @param listen the address to bind (the front-end refuses a non-loopback one without an explicit flag)
     * @param poll how often the live feed polls the store
     * @param scannerListener told of scanner role changes and scans (specs wait on it); may be null
     */
    public record Options(InetSocketAddress listen, FleetrollConfig.Server config, ApiClients clients, Duration poll,
                          Scanner.Listener scannerListener) {}

    private final Workspace workspace;
    private final Fleet fleet;
    private final Store store;
    private final Options options;
    private final Clock clock;
    private final HttpServer http;
    private final ExecutorService executor;
    private final LiveFleet live;
    private final Scanner scanner;
    private final HawkCheck hawk;
    private final ServerMetrics metrics = new ServerMetrics();
    private final Map<String, byte[]> resources = new HashMap<>();
    /** Rendered answers of the current snapshot by request (many clients watching one view cost one render). */
    private final java.util.concurrent.atomic.AtomicReference<Rendered> rendered =
            new java.util.concurrent.atomic.AtomicReference<>(new Rendered(null, new java.util.concurrent.ConcurrentHashMap<>()));

    private record Rendered(LiveFleet.Snapshot snapshot, Map<String, byte[]> byKey) {}

    /**
     * The answer for {@code key} over the current snapshot: rendered once per snapshot (the feed publishes a new one
     * when the store changes and as ages move, every poll), at most 64 distinct requests kept.
     */
    private byte[] cached(String key, java.util.function.Supplier<byte[]> render) {
        LiveFleet.Snapshot now = live.snapshot();
        Rendered r = rendered.get();
        if (r.snapshot() != now) {
            Rendered fresh = new Rendered(now, new java.util.concurrent.ConcurrentHashMap<>());
            r = rendered.compareAndSet(r, fresh) ? fresh : rendered.get();
        }
        byte[] b = r.byKey().get(key);
        if (b == null) {
            // one render per key and snapshot: concurrent requests for it wait for that render
            b = r.byKey().size() < 64 ? r.byKey().computeIfAbsent(key, k -> render.get()) : render.get();
        }
        return b;
    }

    private FleetServer(Workspace workspace, Fleet fleet, Store store, Options options, Clock clock) throws IOException {
        this.workspace = workspace;
        this.fleet = fleet;
        this.store = store;
        this.options = options;
        this.clock = clock;
        this.hawk = new HawkCheck(options.clients(), clock);
        this.live = new LiveFleet(FleetFeed.open(store, fleet::externalFacts, null), clock, options.poll());
        this.scanner = new Scanner(fleet, store.scannerLease(), options.config().scan(), metrics,
                options.scannerListener());
        for (String r : List.of("openapi.json", "app.js", "app.css")) {
            try (InputStream in = FleetServer.class.getResourceAsStream(r)) {
                resources.put(r, in.readAllBytes());
            }
        }
        this.http = HttpServer.create(options.listen(), 256);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    /** Starts serving and scanning. The fleet and store stay the caller's to close (after this server). */
    public static FleetServer start(Workspace workspace, Fleet fleet, Store store, Options options) {
        try {
            FleetServer s = new FleetServer(workspace, fleet, store, options, Clock.systemUTC());
            s.http.start();
            s.scanner.start();
            LOG.info("serving on {}", s.uri());
            return s;
        } catch (IOException e) {
            throw new UserError("cannot listen on " + options.listen() + ": " + e.getMessage()
                    + " (pick another port with --listen HOST:PORT)");
        }
    }

    /** The port bound (useful with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://HOST:PORT}. */
    public URI uri() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
    }

    public Scanner.Role scannerRole() {
        return scanner.role();
    }

    @Override
    public void close() {
        scanner.close();
        live.close();
        http.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- dispatch ----

    /** One request being answered. */
    private final class Call {
        final HttpExchange ex;
        final String method;
        final String path;
        final Map<String, String> query;
        String route = "other";
        int status;
        String queryError;
        /** Whether the request's body was read to its end. */
        boolean bodyRead;

        Call(HttpExchange ex) {
            this.ex = ex;
            this.method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            this.path = ex.getRequestURI().getRawPath();
            Map<String, String> q;
            try {
                q = parseQuery(ex.getRequestURI().getRawQuery());
            } catch (ApiError e) {
                q = Map.of();
                queryError = e.getMessage();
            }
            this.query = q;
        }

        String resource() {
            String q = ex.getRequestURI().getRawQuery();
            return path + (q == null ? "" : "?" + q);
        }

        void send(int code, String type, byte[] body) throws IOException {
            status = code;
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            if (method.equals("HEAD")) {
                ex.sendResponseHeaders(code, -1);
            } else {
                ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }

        void json(int code, Object value) throws IOException {
            send(code, "application/json; charset=utf-8", JSON.writeValueAsBytes(value));
        }

        void html(int code, String page) throws IOException {
            html(code, page.getBytes(StandardCharsets.UTF_8));
        }

        void html(int code, byte[] page) throws IOException {
            ex.getResponseHeaders().set("Content-Security-Policy",
                    "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'");
            send(code, "text/html; charset=utf-8", page);
        }

        /** Whether the request came with a body (a length above zero, or chunked). */
        boolean hasBody() {
            String len = ex.getRequestHeaders().getFirst("Content-Length");
            return ex.getRequestHeaders().containsKey("Transfer-Encoding") || (len != null && !len.strip().equals("0"));
        }

        void error(int code, String message) throws IOException {
            if (!bodyRead && hasBody()) {
                // the request's body stays unread (refused before it was needed), so this connection cannot carry
                // another request: say so, or the client sends its next one on a connection the server is closing
                ex.getResponseHeaders().set("Connection", "close");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", message);
            m.put("code", code);
            json(code, m);
        }
    }

    private void handle(HttpExchange ex) {
        Call c = new Call(ex);
        try {
            cors(c);
            dispatch(c);
        } catch (ApiError e) {
            trySend(c, e.status(), e.getMessage());
        } catch (UserError e) {
            trySend(c, 400, e.getMessage());
        } catch (IOException e) {
            LOG.debug("{} {}: {}", c.method, c.path, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", c.method, c.path, e);
            trySend(c, 500, "internal error: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("")));
        } finally {
            metrics.request(c.route, c.status);
            ex.close();
        }
    }

    private void trySend(Call c, int code, String message) {
        try {
            c.error(code, message);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot send error: {}", e.getMessage());
        }
    }

    private void cors(Call c) {
        String origin = c.ex.getRequestHeaders().getFirst("Origin");
        List<String> allowed = options.config().corsOrigins();
        if (origin == null || allowed.isEmpty()) {
            return;
        }
        if (allowed.contains("*") || allowed.contains(origin)) {
            var h = c.ex.getResponseHeaders();
            h.set("Access-Control-Allow-Origin", allowed.contains("*") ? "*" : origin);
            h.set("Vary", "Origin");
            h.set("Access-Control-Allow-Headers", "Authorization,Content-Type");
            h.set("Access-Control-Allow-Methods", "GET,POST,OPTIONS");
            h.set("Access-Control-Expose-Headers", "WWW-Authenticate");
        }
    }

    private void dispatch(Call c) throws IOException {
        String p = c.path;
        if (c.queryError != null) {
            throw ApiError.badRequest(c.queryError);
        }
        if (c.method.equals("OPTIONS")) {
            c.route = "OPTIONS";
            c.send(204, "text/plain", new byte[0]);
            return;
        }
        boolean get = c.method.equals("GET") || c.method.equals("HEAD");
        if (p.equals("/healthz")) {
            c.route = "/healthz";
            requireMethod(get);
            healthz(c);
            return;
        }
        if (p.startsWith("/static/")) {
            c.route = "/static";
            requireMethod(get);
            String name = p.substring("/static/".length());
            byte[] body = name.equals("openapi.json") ? null : resources.get(name);
            if (body == null) {
                throw ApiError.notFound("no such file: " + p);
            }
            c.send(200, name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8", body);
            return;
        }
        if (p.equals(API + "/openapi.json")) {
            c.route = API + "/openapi.json";
            requireMethod(get);
            c.send(200, "application/json; charset=utf-8", resources.get("openapi.json"));
            return;
        }
        if (c.method.equals("POST") && p.startsWith(API + "/hosts/")) {
            List<String> parts = segments(p.substring((API + "/hosts/").length()));
            if (parts.size() == 2) {
                c.route = API + "/hosts/{name}/" + parts.get(1);
                action(c, parts.get(0), parts.get(1));
                return;
            }
        }
        if (!get) {
            c.route = p.startsWith(API) ? API + "/*" : "other";
            throw new ApiError(405, c.method + " is not allowed on " + p + " (reads are GET; actions are POST "
                    + API + "/hosts/{name}/{note|quarantine|run-puppet|reboot})");
        }
        if (options.config().readAuth()) {
            HawkCheck.Caller caller = hawk.check(c.ex.getRequestHeaders().getFirst("Authorization"), c.method,
                    c.resource(), c.ex.getRequestHeaders().getFirst("Host"), port(), null, null);
            if (!Scopes.satisfies(caller.scopes(), Scopes.READ)) {
                throw ApiError.forbidden("client '" + caller.clientId() + "' lacks the scope " + Scopes.READ);
            }
        }
        if (p.equals("/metrics")) {
            c.route = "/metrics";
            LiveFleet.Snapshot s = live.snapshot();
            c.send(200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.render(MonitorView.of(s.states(), Query.parse("", Columns.standard()), null, s.asOf()).summary(),
                            scanner.role() == Scanner.Role.SCANNER).getBytes(StandardCharsets.UTF_8));
        } else if (p.equals("/") || p.equals("/index.html")) {
            c.route = "/";
            indexPage(c);
        } else if (p.equals("/ui/table")) {
            c.route = "/ui/table";
            String filter = c.query.getOrDefault("filter", "");
            String sort = c.query.getOrDefault("sort", "");
            byte[] page = cached("table\n" + filter + "\n" + sort, () -> {
                MonitorView view = view(filter, sort);
                return Pages.table(view, Columns.standard().displayedFor(view.rows()), filter, sort)
                        .getBytes(StandardCharsets.UTF_8);
            });
            c.html(200, page);
        } else if (p.startsWith("/hosts/") || p.startsWith("/ui/host/")) {
            boolean fragment = p.startsWith("/ui/host/");
            c.route = fragment ? "/ui/host/{name}" : "/hosts/{name}";
            List<String> parts = segments(p.substring(fragment ? "/ui/host/".length() : "/hosts/".length()));
            if (parts.size() != 1) {
                throw ApiError.notFound("no such page: " + p);
            }
            String name = parts.get(0);
            HostState h = requireHost(name);
            String detail = Pages.hostDetail(h, Columns.standard().displayed(), store.noteHistory(name, HISTORY_LIMIT),
                    store.history(name, HISTORY_LIMIT), auditEntries(name, null, null, HISTORY_LIMIT));
            c.html(200, fragment ? detail : Pages.host(name, detail));
        } else if (p.equals(API + "/hosts")) {
            c.route = API + "/hosts";
            hosts(c);
        } else if (p.startsWith(API + "/hosts/")) {
            c.route = API + "/hosts/{name}";
            List<String> parts = segments(p.substring((API + "/hosts/").length()));
            if (parts.size() != 1) {
                throw ApiError.notFound("no such route: " + p);
            }
            host(c, parts.get(0));
        } else if (p.equals(API + "/filters")) {
            c.route = API + "/filters";
            filters(c);
        } else if (p.equals(API + "/audit-log")) {
            c.route = API + "/audit-log";
            auditLog(c);
        } else if (p.equals(API + "/events")) {
            c.route = API + "/events";
            events(c);
        } else {
            c.route = p.startsWith(API) ? API + "/*" : "other";
            throw ApiError.notFound("no such route: " + p + " (see " + API + "/openapi.json)");
        }
    }

    private static void requireMethod(boolean ok) {
        if (!ok) {
            throw new ApiError(405, "only GET is allowed here");
        }
    }

    // ---- reads ----

    private void healthz(Call c) throws IOException {
        LiveFleet.Snapshot s = live.snapshot();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("scanner", scanner.role().name().toLowerCase(Locale.ROOT));
        m.put("hosts", s.states().size());
        m.put("asOf", s.asOf().toString());
        c.json(200, m);
    }

    private MonitorView view(String filter, String sort) {
        Query q = Query.parse(filter, Columns.standard());
        if (!sort.isBlank()) {
            Query.parseSort(sort, Columns.standard());
        }
        LiveFleet.Snapshot s = live.snapshot();
        return MonitorView.of(s.states(), q, q.hasSort() ? null : sort, s.asOf());
    }

    private void indexPage(Call c) throws IOException {
        String filter = c.query.getOrDefault("filter", "");
        String sort = c.query.getOrDefault("sort", "");
        List<NamedFilter> named = NamedFilters.load(workspace).filters();
        try {
            MonitorView view = view(filter, sort);
            c.html(200, Pages.index(view, Columns.standard().displayedFor(view.rows()), filter, sort, named, null));
        } catch (UserError e) {
            c.html(400, Pages.index(null, List.of(), filter, sort, named, e.getMessage()));
        }
    }

    /** Most rows one page of {@code /api/v1/hosts} may ask for. */
    static final int MAX_PAGE = 10_000;

    private void hosts(Call c) throws IOException {
        String filter = c.query.getOrDefault("filter", "");
        String sort = c.query.getOrDefault("sort", "");
        int offset = intParam(c, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = intParam(c, "limit", 0, 1, MAX_PAGE); // 0: every matching row
        c.send(200, "application/json; charset=utf-8", cached("hosts\n" + filter + "\n" + sort + "\n" + offset + "\n" + limit,
                () -> hostsJson(filter, sort, offset, limit)));
    }

    /**
     * The rows {@code filter} lets through, sorted, from {@code offset}; at most {@code limit} of them (0: all). A page
     * that leaves rows out names the next one ({@code next}); {@code total} counts every matching row.
     */
    private byte[] hostsJson(String filter, String sort, int offset, int limit) {
        MonitorView view = view(filter, sort);
        int total = view.rows().size();
        int from = Math.min(offset, total);
        int to = limit == 0 ? total : (int) Math.min((long) from + limit, total);
        List<Column> columns = Columns.standard().displayed();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("filter", filter);
        doc.put("sort", sort);
        doc.put("asOf", view.asOf().toString());
        doc.put("summary", view.summary());
        doc.put("columns", columns.stream().map(col -> Map.of("name", col.name(), "label", col.label())).toList());
        doc.put("total", total);
        doc.put("offset", from);
        if (to < total) {
            doc.put("next", API + "/hosts?filter=" + Pages.encode(filter) + "&sort=" + Pages.encode(sort) + "&offset=" + to
                    + "&limit=" + limit); // only a limit leaves rows out
        }
        List<Map<String, Object>> rows = new ArrayList<>(to - from);
        for (HostState h : view.rows().subList(from, to)) {
            rows.add(hostRow(h, columns));
        }
        doc.put("hosts", rows);
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static Map<String, Object> hostRow(HostState h, List<Column> columns) {
        Map<String, String> cells = new LinkedHashMap<>();
        Map<String, String> tones = new LinkedHashMap<>();
        for (Column col : columns) {
            cells.put(col.name(), col.displayOf(h));
            tones.put(col.name(), Tones.of(col, h).name().toLowerCase(Locale.ROOT));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", h.name());
        m.put("cells", cells);
        m.put("tones", tones);
        return m;
    }

    private HostState requireHost(String name) {
        HostState h = live.snapshot().byName().get(name);
        if (h == null) {
            throw ApiError.notFound("unknown host '" + name + "' (the store has no observation of it)");
        }
        return h;
    }

    private void host(Call c, String name) throws IOException {
        HostState h = requireHost(name);
        Map<String, Object> doc = hostRow(h, Columns.standard().displayed());
        List<Object> history = new ArrayList<>();
        for (Observation o : store.history(name, HISTORY_LIMIT)) {
            history.add(JSON.readTree(ObservationJson.write(o)));
        }
        doc.put("observations", history);
        doc.put("notes", store.noteHistory(name, HISTORY_LIMIT).stream().map(FleetServer::noteJson).toList());
        doc.put("auditLog", auditEntries(name, null, null, HISTORY_LIMIT).stream().map(FleetServer::auditJson).toList());
        c.json(200, doc);
    }

    private static Map<String, Object> noteJson(NoteEntry n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", n.at().toString());
        m.put("actor", n.actor());
        m.put("action", n.action().label());
        m.put("text", n.text());
        m.put("reason", n.reason());
        return m;
    }

    private static JsonNode auditJson(AuditRecord r) {
        return AuditLog.json().valueToTree(r);
    }

    /** The newest {@code limit} audit-log records matching, newest first. */
    private List<AuditRecord> auditEntries(String host, String action, Instant since, int limit) {
        List<AuditLog.Entry> all = AuditLog.of(workspace.home(), "fleetroll-server")
                .read(new AuditLog.Filter(host, action, since)).entries();
        List<AuditRecord> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
            out.add(all.get(i).record());
        }
        return out;
    }

    private void filters(Call c) throws IOException {
        NamedFilters.Loaded loaded = NamedFilters.load(workspace);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("filters", loaded.filters().stream().map(f -> Map.of("name", f.name(), "query", f.query(),
                "description", f.description())).toList());
        doc.put("problems", loaded.warnings());
        doc.put("columns", Columns.standard().all().stream().map(col -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", col.name());
            m.put("label", col.label());
            m.put("type", col.type().name().toLowerCase(Locale.ROOT));
            m.put("displayed", col.displayed());
            m.put("aliases", col.aliases());
            m.put("description", col.description());
            return m;
        }).toList());
        c.json(200, doc);
    }

    private void auditLog(Call c) throws IOException {
        int limit = intParam(c, "limit", AUDIT_LIMIT_DEFAULT, 1, 10_000);
        Instant since = null;
        String s = c.query.get("since");
        if (s != null && !s.isBlank()) {
            try {
                since = Instant.parse(s);
            } catch (RuntimeException e) {
                Duration d = Durations.tryParse(s);
                if (d == null) {
                    throw ApiError.badRequest("since: '" + s + "' is neither an ISO-8601 instant nor a duration (2h, 1d)");
                }
                since = clock.instant().minus(d);
            }
        }
        List<AuditRecord> records = auditEntries(blankToNull(c.query.get("host")), blankToNull(c.query.get("action")),
                since, limit);
        c.json(200, Map.of("entries", records.stream().map(FleetServer::auditJson).toList()));
    }

    private static int intParam(Call c, String name, int dflt, int min, int max) {
        String v = c.query.get(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int i = Integer.parseInt(v.strip());
            if (i < min || i > max) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + ": '" + v + "' is not a whole number from " + min + " to " + max);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Server-sent events: {@code event: change} with the changed hosts whenever the store changes. */
    private void events(Call c) throws IOException {
        var h = c.ex.getResponseHeaders();
        h.set("Content-Type", "text/event-stream; charset=utf-8");
        h.set("Cache-Control", "no-store");
        c.status = 200;
        c.ex.sendResponseHeaders(200, 0);
        try (OutputStream out = c.ex.getResponseBody()) {
            LiveFleet.Snapshot s = live.snapshot();
            long seen = s.version();
            out.write(("retry: 2000\nevent: hello\ndata: {\"version\":" + seen + "}\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!live.closed()) {
                LiveFleet.Snapshot next = live.awaitChange(seen, Duration.ofSeconds(15));
                if (next.version() > seen) {
                    seen = next.version();
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("version", seen);
                    m.put("hosts", next.changed());
                    out.write(("event: change\ndata: " + JSON.writeValueAsString(m) + "\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                } else {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- actions ----

    private void action(Call c, String name, String verb) throws IOException {
        if (!Set.of("note", "quarantine", "run-puppet", "reboot").contains(verb)) {
            throw ApiError.notFound("no such action '" + verb + "' (actions: note, quarantine, run-puppet, reboot)");
        }
        byte[] body = readBody(c);
        String contentType = c.ex.getRequestHeaders().getFirst("Content-Type");
        HawkCheck.Caller caller = hawk.check(c.ex.getRequestHeaders().getFirst("Authorization"), c.method,
                c.resource(), c.ex.getRequestHeaders().getFirst("Host"), port(), contentType, body);
        requireHost(name);
        TaskclusterState tc = live.snapshot().byName().get(name).tc();
        String scope = Scopes.forAction(verb, tc == null ? null : tc.pool(), name);
        if (!Scopes.satisfies(caller.scopes(), scope)) {
            throw ApiError.forbidden("client '" + caller.clientId() + "' lacks the scope " + scope);
        }
        JsonNode req = parseObject(body, contentType);
        AuditLog auditLog = AuditLog.of(workspace.home(), caller.clientId());
        try {
            switch (verb) {
                case "note" -> note(c, name, req, auditLog);
                case "quarantine" -> quarantine(c, name, req, auditLog, caller);
                case "run-puppet" -> runPuppet(c, name, req, auditLog, caller);
                default -> reboot(c, name, req, auditLog, caller);
            }
        } finally {
            live.nudge(name); // its audit-log entries changed even when the store did not
        }
    }

    private byte[] readBody(Call c) throws IOException {
        int max = options.config().maxBodyBytes();
        String len = c.ex.getRequestHeaders().getFirst("Content-Length");
        if (len != null) {
            try {
                if (Long.parseLong(len.strip()) > max) {
                    throw ApiError.badRequest("request body too large (limit " + max + " bytes)");
                }
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("bad Content-Length");
            }
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try (InputStream in = c.ex.getRequestBody()) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                buf.write(chunk, 0, n);
                if (buf.size() > max) {
                    throw ApiError.badRequest("request body too large (limit " + max + " bytes)");
                }
            }
        }
        c.bodyRead = true;
        return buf.toByteArray();
    }

    private static JsonNode parseObject(byte[] body, String contentType) {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw ApiError.badRequest("send the body as JSON (Content-Type: application/json)");
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw ApiError.badRequest("the body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("unreadable body: " + e.getMessage());
        }
    }

    /** Only these keys; a string where a string belongs. */
    private static void allowKeys(JsonNode req, String action, String... keys) {
        Set<String> allowed = Set.of(keys);
        req.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                throw ApiError.badRequest(action + ": unknown field '" + k + "' (fields: " + String.join(", ", keys) + ")");
            }
        });
    }

    private static String text(JsonNode req, String key) {
        JsonNode n = req.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiError.badRequest("'" + key + "' must be a string");
        }
        return n.asText();
    }

    private static boolean flag(JsonNode req, String key) {
        JsonNode n = req.get(key);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw ApiError.badRequest("'" + key + "' must be true or false");
        }
        return n.asBoolean();
    }

    private static Duration duration(JsonNode req, String key) {
        String s = text(req, key);
        if (s == null) {
            return null;
        }
        Duration d = Durations.tryParse(s);
        if (d == null || d.isZero() || d.isNegative()) {
            throw ApiError.badRequest("'" + key + "': '" + s + "' is not a positive duration (e.g. 30m, 2h, 3d)");
        }
        return d;
    }

    private void note(Call c, String name, JsonNode req, AuditLog auditLog) throws IOException {
        allowKeys(req, "note", "text", "clear", "reason");
        Notes notes = new Notes(store, auditLog, clock);
        Notes.Change ch;
        if (flag(req, "clear")) {
            if (req.hasNonNull("text")) {
                throw ApiError.badRequest("note: give 'text' to add a note or 'clear': true, not both");
            }
            ch = notes.clear(List.of(name), text(req, "reason"));
        } else {
            String t = text(req, "text");
            if (t == null) {
                throw ApiError.badRequest("note: 'text' is required (or 'clear': true)");
            }
            ch = notes.add(List.of(name), t);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", ch.action());
        m.put("host", name);
        m.put("changed", !ch.changed().isEmpty());
        m.put("actor", ch.actor());
        m.put("at", ch.at().toString());
        m.put("summary", ch.summary());
        c.json(200, m);
    }

    private void quarantine(Call c, String name, JsonNode req, AuditLog auditLog, HawkCheck.Caller caller)
            throws IOException {
        allowKeys(req, "quarantine", "lift", "duration", "reason");
        boolean lift = flag(req, "lift");
        Duration d = duration(req, "duration");
        String reason = text(req, "reason");
        QuarantineResults r;
        try {
            r = fleet.quarantine(List.of(name), lift, d, reason, WriteGate.confirmed("api " + caller.clientId()),
                    auditLog);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "interrupted");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", name);
        m.put("lift", lift);
        m.put("done", r.doneHosts());
        m.put("quarantineUntil", r.done().get(name) == null ? null : r.done().get(name).toString());
        m.put("failed", r.failed());
        m.put("warnings", r.warnings());
        c.json(r.allOk() ? 200 : 502, m);
    }

    private void runPuppet(Call c, String name, JsonNode req, AuditLog auditLog, HawkCheck.Caller caller)
            throws IOException {
        allowKeys(req, "runPuppet", "reason", "timeout");
        RunPuppet.Options o = new RunPuppet.Options(null, duration(req, "timeout"), text(req, "reason"), null);
        WriteContext ctx = new WriteContext(fleet, auditLog, new StoreContentAccess(
                ContentStores.of(workspace.home())), clock);
        PuppetRunReport r = new RunPuppet(ctx).run(List.of(name), o, WriteGate.confirmed("api " + caller.clientId()),
                BatchListener.NONE, Cancellation.none(), null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", name);
        m.put("ok", r.ok());
        m.put("failed", r.failed());
        m.put("unreachable", r.unreachable());
        m.put("changed", r.changed());
        m.put("summary", r.summary());
        c.json(r.allOk() ? 200 : 502, m);
    }

    /**
     * Starts a coordinated reboot of the host ({@link Reboots}: its group's slot, the ladder) and answers 202 at once:
     * a climb takes minutes. Its end is the {@code reboot.done} audit record, which the response links to. A host that
     * holds a reboot slot already (being rebooted, or stuck) is 409, naming who holds it and since when.
     */
    private void reboot(Call c, String name, JsonNode req, AuditLog auditLog, HawkCheck.Caller caller)
            throws IOException {
        allowKeys(req, "reboot", "reason");
        Reboots reboots = Reboots.of(fleet, store, auditLog, clock);
        RebootPlan plan = reboots.plan(List.of(name), text(req, "reason"), 1);
        for (SlotHolder h : RebootSlots.of(store).list()) {
            if (h.holder().equals(name)) {
                throw new ApiError(409, name + " holds reboot slot " + h.slot() + " of " + h.group() + " (" + h.state()
                        + ") since " + h.acquired() + ", taken by " + h.actor() + (h.reason() == null ? "" : " for '"
                        + h.reason() + "'") + "; release it with fleetroll reboot-slots release first");
            }
        }
        executor.submit(() -> {
            try {
                HostReboot r = reboots.run(List.of(name), plan.reason(), 1, WriteGate.confirmed("api " + caller.clientId()),
                        null).results().get(0);
                LOG.info("reboot of {} by {}: {} ({})", name, caller.clientId(), r.outcome(), r.detail());
            } catch (RuntimeException e) {
                LOG.warn("reboot of {} by {} failed", name, caller.clientId(), e);
            } finally {
                live.nudge(name);
            }
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", name);
        m.put("accepted", true);
        m.put("group", plan.groups().get(name));
        m.put("rungs", plan.rungs().get(name));
        m.put("deadline", plan.deadline().toString());
        m.put("reason", plan.reason());
        m.put("follow", API + "/audit-log?host=" + Pages.encode(name) + "&action=reboot.done");
        c.json(202, m);
    }

    // ---- helpers ----

    private static List<String> segments(String rest) {
        List<String> out = new ArrayList<>();
        for (String s : rest.split("/", -1)) {
            if (s.isEmpty()) {
                throw ApiError.notFound("empty path segment");
            }
            out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                m.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("malformed query string");
            }
        }
        return m;
    }
}
