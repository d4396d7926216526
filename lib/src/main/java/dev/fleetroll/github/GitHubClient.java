package dev.fleetroll.github;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetroll.UserError;
import dev.fleetroll.util.Concurrently;
import dev.fleetroll.util.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads branch heads from the GitHub REST API: {@code GET /repos/{owner}/{repo}/git/refs/heads}, every page (the
 * {@code Link: rel="next"} header), with waits for rate limits that lift soon, retries with exponential backoff for
 * server errors, timeouts and broken connections, redirects of renamed repositories followed on the API's own
 * origin, and one-line {@link GitHubException}s for everything else.
 *
 * <p>Thread-safe: one client serves concurrent callers. The token is sent only to the configured API origin and
 * never appears in a message, a log line or {@link #toString()}.
 */
public final class GitHubClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GitHubClient.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final Settings settings;
    private final HttpClient http;

    public GitHubClient(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER) // followed here, same origin only (the token goes along)
                .build();
    }

    /**
     * Branch name (without {@code refs/heads/}; may contain {@code /}) to head sha, for every branch of
     * {@code owner/repo}. An empty repository has no branches.
     */
    public Map<String, String> branchHeads(String owner, String repo) {
        GitHubRepo r = new GitHubRepo(owner, repo);
        URI next = URI.create(settings.apiBase() + "/repos/" + r.key() + "/git/refs/heads?per_page=100");
        Map<String, String> heads = new LinkedHashMap<>();
        Set<URI> seen = new HashSet<>();
        int pages = 0;
        while (next != null) {
            if (++pages > settings.maxPages()) {
                throw new GitHubException(r.key() + " has more than " + settings.maxPages()
                        + " pages of branches; stopped reading (maxPages)");
            }
            if (!seen.add(next)) {
                throw new GitHubException("GitHub's next-page links for " + r.key() + " lead back to " + display(next));
            }
            HttpResponse<byte[]> response = get(next, r);
            if (response.statusCode() == 409) { // "Git Repository is empty."
                return heads;
            }
            if (response.statusCode() / 100 == 3) { // a renamed or transferred repository
                next = follow(response.headers().firstValue("location").orElseThrow(), next, r, "redirect");
                continue;
            }
            heads.putAll(RefsJson.branchHeads(response.body(), display(next)));
            next = nextPage(response, next, r);
        }
        return heads;
    }

    /**
     * The head of every branch in {@code wanted}: each repository is read once, up to {@code concurrency}
     * repositories at a time. A repository that fails gives its error to each of its branches; the others are
     * unaffected. The map iterates in the order of {@code wanted}.
     */
    public Map<RepoBranch, Result> heads(Collection<RepoBranch> wanted, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
        }
        Map<String, GitHubRepo> repos = new LinkedHashMap<>();
        wanted.forEach(b -> repos.putIfAbsent(b.repository().id(), b.repository()));
        Map<GitHubRepo, Concurrently.Outcome<Map<String, String>>> fetched;
        try {
            fetched = Concurrently.map(repos.values(), concurrency, r -> branchHeads(r.owner(), r.repo()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitHubException("interrupted while reading branch heads from GitHub", e);
        }
        Map<RepoBranch, Result> results = new LinkedHashMap<>();
        for (RepoBranch b : wanted) {
            GitHubRepo r = repos.get(b.repository().id());
            Concurrently.Outcome<Map<String, String>> got = fetched.get(r);
            if (!got.ok()) {
                results.put(b, new Result.Failed(got.error() instanceof GitHubException g ? g.getMessage()
                        : "cannot read the branches of " + r.key() + ": " + Messages.oneLine(String.valueOf(got.error()))));
            } else {
                String sha = got.value().get(b.branch());
                results.put(b, sha == null ? new Result.NoSuchBranch() : new Result.Found(sha));
            }
        }
        return results;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "GitHubClient[" + settings + "]";
    }

    /** One GET with retries; answers 200, 409 or a redirect with a Location, anything else is thrown. */
    private HttpResponse<byte[]> get(URI uri, GitHubRepo repo) {
        String url = display(uri);
        for (int attempt = 1; ; attempt++) {
            String failure;
            try {
                HttpResponse<byte[]> response = http.send(request(uri), HttpResponse.BodyHandlers.ofByteArray());
                int status = response.statusCode();
                LOG.debug("GET {} -> {}", url, status);
                if (status == 200 || status == 409
                        || (REDIRECTS.contains(status) && response.headers().firstValue("location").isPresent())) {
                    return response;
                }
                String serverMessage = serverMessage(response.body());
                if (status == 404) {
                    throw new GitHubException("repository " + repo.key() + " not found (or not visible without a token)");
                }
                if (status == 401) {
                    throw new GitHubException("GitHub rejected the token: check github.token / $GITHUB_TOKEN");
                }
                Instant now = settings.clock().get();
                Optional<RateLimit> limit = RateLimit.of(status, response.headers(), serverMessage, now);
                if (limit.isPresent()) {
                    Duration wait = limit.get().waitFrom(now);
                    if (wait.compareTo(settings.maxRateLimitWait()) > 0 || attempt >= settings.maxAttempts()) {
                        throw new GitHubException("GitHub rate limit reached; resets at "
                                + limit.get().resetsAt().truncatedTo(ChronoUnit.SECONDS)
                                + (settings.token() == null ? " (set a token to raise the limit)" : ""));
                    }
                    LOG.info("GitHub rate limit reached for {}; waiting {} s until it resets", url, wait.toSeconds());
                    pause(wait);
                    continue;
                }
                if (status < 500) {
                    throw new GitHubException("GitHub answered " + status + " for " + url + ": " + serverMessage);
                }
                failure = "GitHub answered " + status + " for " + url;
            } catch (HttpTimeoutException e) {
                failure = "GitHub did not answer " + url + " within " + settings.requestTimeout().toMillis() + " ms";
            } catch (IOException e) {
                failure = "cannot reach GitHub at " + url + ": " + Messages.oneLine(
                        e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GitHubException("interrupted while reading " + url, e);
            }
            if (attempt >= settings.maxAttempts()) {
                throw new GitHubException(failure + " (gave up after " + attempt + " attempts)");
            }
            Duration backoff = backoff(attempt);
            LOG.info("{}; retrying in {} ms (attempt {} of {})", failure, backoff.toMillis(), attempt + 1, settings.maxAttempts());
            pause(backoff);
        }
    }

    private HttpRequest request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .GET()
                .timeout(settings.requestTimeout())
                .header("Accept", "application/vnd.github+json")
                .header("User-Agent", "fleetroll")
                .header("X-GitHub-Api-Version", "2022-11-28");
        if (settings.token() != null && sameOrigin(uri, settings.apiUrl())) {
            b.header("Authorization", "Bearer " + settings.token());
        }
        return b.build();
    }

    private URI nextPage(HttpResponse<?> response, URI current, GitHubRepo repo) {
        List<String> values = response.headers().allValues("link");
        Optional<String> target;
        try {
            target = LinkHeader.target(values, "next");
        } catch (IllegalArgumentException e) {
            throw new GitHubException("GitHub sent an unreadable Link header for " + display(current) + ": " + e.getMessage());
        }
        return target.map(t -> follow(t, current, repo, "next-page link")).orElse(null);
    }

    /** {@code target} resolved against {@code current}, when on the API's origin (the token must not leave it). */
    private URI follow(String target, URI current, GitHubRepo repo, String what) {
        URI next;
        try {
            next = current.resolve(new URI(target.strip()));
        } catch (URISyntaxException e) {
            throw new GitHubException("GitHub sent an unreadable " + what + " for " + repo.key() + ": "
                    + Messages.oneLine(target));
        }
        if (!sameOrigin(next, settings.apiUrl())) {
            throw new GitHubException("GitHub's " + what + " for " + repo.key() + " leads to another server ("
                    + next.getScheme() + "://" + next.getHost() + (next.getPort() < 0 ? "" : ":" + next.getPort())
                    + "); not following it");
        }
        return next;
    }

    private Duration backoff(int attempt) {
        Duration d = settings.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    private void pause(Duration d) {
        try {
            settings.sleeper().sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitHubException("interrupted while waiting to retry GitHub", e);
        }
    }

    private static String serverMessage(byte[] body) {
        try {
            return Messages.oneLine(MAPPER.readTree(body).path("message").asText(null));
        } catch (IOException | RuntimeException e) {
            return "(no details)";
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** The URL without user info, for messages. */
    private static String display(URI u) {
        if (u.getUserInfo() == null) {
            return u.toString();
        }
        try {
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), null).toString();
        } catch (URISyntaxException e) {
            return u.getScheme() + "://" + u.getHost() + u.getPath();
        }
    }

    /** The head of one wanted branch: its sha, no such branch, or why its repository could not be read. */
    public sealed interface Result {
        /** The sha, when found. */
        default Optional<String> sha() {
            return Optional.empty();
        }

        /** The sha, "no such branch", or the error. */
        String describe();

        record Found(String head) implements Result {
            @Override
            public Optional<String> sha() {
                return Optional.of(head);
            }

            @Override
            public String describe() {
                return head;
            }
        }

        record NoSuchBranch() implements Result {
            @Override
            public String describe() {
                return "no such branch";
            }
        }

        record Failed(String message) implements Result {
            @Override
            public String describe() {
                return message;
            }
        }
    }

    /**
     * How the client talks to GitHub.
     *
     * @param apiUrl           the API root, {@code https://api.github.com} (a stand-in's in specs and sandboxes)
     * @param token            sent as {@code Authorization: Bearer}; null for none. Never shown by {@link #toString()}
     * @param requestTimeout   per request (and per connect)
     * @param maxAttempts      tries per request, for server errors, timeouts, broken connections and rate limits
     * @param initialBackoff   first wait before a retry; doubled each retry up to 30 s
     * @param sleeper          how to wait
     * @param clock            now, to compute rate-limit waits from {@code X-RateLimit-Reset}
     * @param maxRateLimitWait a rate limit lifting later than this is an error, not a wait
     * @param maxPages         pages of 100 branches read per repository at most
     */
    public record Settings(URI apiUrl, String token, Duration requestTimeout, int maxAttempts, Duration initialBackoff,
                           Sleeper sleeper, Supplier<Instant> clock, Duration maxRateLimitWait, int maxPages) {
        public static final URI GITHUB_API = URI.create("https://api.github.com");

        public Settings {
            Objects.requireNonNull(apiUrl, "apiUrl");
            if (!apiUrl.isAbsolute() || apiUrl.getHost() == null
                    || !("https".equalsIgnoreCase(apiUrl.getScheme()) || "http".equalsIgnoreCase(apiUrl.getScheme()))) {
                throw new UserError("the GitHub API URL must be an http(s) URL with a host, not '" + apiUrl + "'");
            }
            token = token == null || token.isBlank() ? null : token.strip();
            if (token != null && !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new UserError("the GitHub token has characters a token cannot have (spaces, control or"
                        + " non-ASCII characters): check github.token / $GITHUB_TOKEN");
            }
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(sleeper, "sleeper");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(maxRateLimitWait, "maxRateLimitWait");
            if (requestTimeout.isNegative() || requestTimeout.isZero() || maxAttempts < 1 || maxPages < 1
                    || initialBackoff.isNegative() || maxRateLimitWait.isNegative()) {
                throw new IllegalArgumentException("GitHub client settings out of range: requestTimeout=" + requestTimeout
                        + ", maxAttempts=" + maxAttempts + ", maxPages=" + maxPages + ", initialBackoff=" + initialBackoff
                        + ", maxRateLimitWait=" + maxRateLimitWait);
            }
        }

        /** api.github.com, no token, 10 s per request, 4 attempts from 1 s backoff, waits up to 60 s, 50 pages. */
        public static Settings defaults() {
            return new Settings(GITHUB_API, null, Duration.ofSeconds(10), 4, Duration.ofSeconds(1), Sleeper.REAL,
                    Instant::now, Duration.ofSeconds(60), 50);
        }

        public Settings withApiUrl(URI url) {
            return new Settings(url, token, requestTimeout, maxAttempts, initialBackoff, sleeper, clock, maxRateLimitWait, maxPages);
        }

        public Settings withApiUrl(String url) {
            return withApiUrl(URI.create(url));
        }

        public Settings withToken(String t) {
            return new Settings(apiUrl, t, requestTimeout, maxAttempts, initialBackoff, sleeper, clock, maxRateLimitWait, maxPages);
        }

        public Settings withRequestTimeout(Duration d) {
            return new Settings(apiUrl, token, d, maxAttempts, initialBackoff, sleeper, clock, maxRateLimitWait, maxPages);
        }

        public Settings withMaxAttempts(int n) {
            return new Settings(apiUrl, token, requestTimeout, n, initialBackoff, sleeper, clock, maxRateLimitWait, maxPages);
        }

        public Settings withInitialBackoff(Duration d) {
            return new Settings(apiUrl, token, requestTimeout, maxAttempts, d, sleeper, clock, maxRateLimitWait, maxPages);
        }

        public Settings withSleeper(Sleeper s) {
            return new Settings(apiUrl, token, requestTimeout, maxAttempts, initialBackoff, s, clock, maxRateLimitWait, maxPages);
        }

        public Settings withClock(Supplier<Instant> c) {
            return new Settings(apiUrl, token, requestTimeout, maxAttempts, initialBackoff, sleeper, c, maxRateLimitWait, maxPages);
        }

        public Settings withMaxRateLimitWait(Duration d) {
            return new Settings(apiUrl, token, requestTimeout, maxAttempts, initialBackoff, sleeper, clock, d, maxPages);
        }

        public Settings withMaxPages(int n) {
            return new Settings(apiUrl, token, requestTimeout, maxAttempts, initialBackoff, sleeper, clock, maxRateLimitWait, n);
        }

        /** {@link #apiUrl()} without a trailing slash, to append {@code /repos/...} to. */
        String apiBase() {
            String s = apiUrl.toString();
            return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        }

        @Override
        public String toString() {
            return "Settings[apiUrl=" + apiUrl + ", token=" + (token == null ? "none" : "(set)")
                    + ", requestTimeout=" + requestTimeout + ", maxAttempts=" + maxAttempts
                    + ", initialBackoff=" + initialBackoff + ", maxRateLimitWait=" + maxRateLimitWait
                    + ", maxPages=" + maxPages + "]";
        }
    }
}
