package dev.fleetroll.reboot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetroll.config.FleetrollConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The ladder's last rung, {@code bug}: hands a host that nothing brought back to a human by filing a bug in the
 * tracker {@code bugs.url} (Bugzilla REST, {@code POST /rest/bug}), naming the host, the operator's reason and what
 * was tried. Idempotent per host: while a bug tagged for the host ({@code [fleetroll-reboot HOST]} in its status
 * whiteboard) is open, it names that bug instead of filing another. The API key ({@code bugs_api_key} in
 * {@code bugs.credentials_file}) goes in the {@code X-BUGZILLA-API-KEY} header and never into a message.
 */
public final class FileBug implements RebootStep {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY_HEADER = "X-BUGZILLA-API-KEY";

    private final FleetrollConfig.Bugs config;
    private final Path credentials;
    private final Function<String, List<String>> tried;
    private final HttpClient http;

    /**
     * @param credentials the file {@code bugs.credentials_file} names (already resolved), holding {@code bugs_api_key}
     * @param tried what the ladder tried on a host so far, one line per rung, for the bug's description (the ladder
     *     knows; {@code h -> List.of()} when nothing is known)
     */
    public FileBug(FleetrollConfig.Bugs config, Path credentials, Function<String, List<String>> tried) {
        this.config = Objects.requireNonNull(config, "config");
        this.credentials = credentials;
        this.tried = tried == null ? h -> List.of() : tried;
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
    }

    @Override
    public String name() {
        return "bug";
    }

    /** Every host, once a tracker is configured. */
    @Override
    public boolean appliesTo(String host) {
        return config.url() != null && !config.url().isBlank();
    }

    @Override
    public boolean terminal() {
        return true;
    }

    /** The whiteboard tag that marks a host's bug, by which an open one is found again. */
    public static String tag(String host) {
        return "[fleetroll-reboot " + host + "]";
    }

    @Override
    public String attempt(String host, String reason) throws RebootStepFailed {
        return file(host, reason, tried.apply(host));
    }

    /** Files (or finds the open) bug for {@code host}; returns {@code "filed bug N ..."} or {@code "bug N already open ..."}. */
    public String file(String host, String reason, List<String> triedSteps) throws RebootStepFailed {
        if (!appliesTo(host)) {
            throw new RebootStepFailed("bugs.url is not set: no bug tracker to hand " + host + " to");
        }
        String key = CredentialsFile.read(credentials, "bugs_api_key", "bugs.credentials_file");
        String base = config.url().replaceAll("/+$", "");
        try {
            Integer open = findOpen(base, host, key);
            if (open != null) {
                return "bug " + open + " already open for " + host + " (" + base + "/show_bug.cgi?id=" + open + "); not filed again";
            }
            ObjectNode bug = JSON.createObjectNode();
            bug.put("product", config.product()).put("component", config.component()).put("version", config.version())
                    .put("summary", host + " did not come back after a reboot")
                    .put("whiteboard", tag(host))
                    .put("op_sys", "All").put("platform", "All")
                    .put("description", description(host, reason, triedSteps));
            HttpRequest post = HttpRequest.newBuilder(URI.create(base + "/rest/bug")).timeout(config.requestTimeout())
                    .header("Content-Type", "application/json").header("Accept", "application/json").header(KEY_HEADER, key)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(bug))).build();
            JsonNode answer = send(post, base, key);
            if (!answer.path("id").canConvertToInt()) {
                throw new RebootStepFailed("the bug tracker at " + base + " answered without a bug id");
            }
            int id = answer.get("id").asInt();
            return "filed bug " + id + " for " + host + " (" + base + "/show_bug.cgi?id=" + id + ")";
        } catch (IOException e) {
            throw new RebootStepFailed(CredentialsFile.scrub("the bug tracker at " + base + " is unreachable: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), key));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RebootStepFailed("interrupted while filing a bug for " + host);
        }
    }

    private Integer findOpen(String base, String host, String key) throws IOException, InterruptedException, RebootStepFailed {
        String q = "whiteboard=" + URLEncoder.encode(tag(host), StandardCharsets.UTF_8) + "&resolution=---"
                + "&include_fields=id,whiteboard,resolution";
        HttpRequest get = HttpRequest.newBuilder(URI.create(base + "/rest/bug?" + q)).timeout(config.requestTimeout())
                .header("Accept", "application/json").header(KEY_HEADER, key).GET().build();
        for (JsonNode b : send(get, base, key).path("bugs")) {
            // the tracker's whiteboard search matches substrings; the closing bracket keeps a.b from matching a.b.c
            if (b.path("whiteboard").asText().contains(tag(host)) && b.path("resolution").asText("").isEmpty()) {
                return b.path("id").asInt();
            }
        }
        return null;
    }

    private JsonNode send(HttpRequest req, String base, String key) throws IOException, InterruptedException, RebootStepFailed {
        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            body = null;
        }
        if (r.statusCode() / 100 != 2 || body == null || body.path("error").asBoolean(false)) {
            String msg = body == null ? "" : body.path("message").asText("");
            String code = body == null || !body.has("code") ? "" : ", code " + body.get("code").asText();
            throw new RebootStepFailed(CredentialsFile.scrub("the bug tracker at " + base + " refused " + req.method() + " "
                    + req.uri().getPath() + " (HTTP " + r.statusCode() + code + ")" + (msg.isEmpty() ? "" : ": " + oneLine(msg))
                    + (r.statusCode() == 401 || "306".equals(code.replace(", code ", "")) ? " (check bugs_api_key in"
                    + " bugs.credentials_file)" : ""), key));
        }
        return body;
    }

    private static String description(String host, String reason, List<String> triedSteps) {
        StringBuilder d = new StringBuilder();
        d.append(host).append(" did not come back after a reboot, and fleetroll has run out of ways to restart it.\n\n");
        d.append("Reason for the reboot: ").append(reason == null || reason.isBlank() ? "(none given)" : reason).append("\n\n");
        d.append("Tried:\n");
        if (triedSteps == null || triedSteps.isEmpty()) {
            d.append("- (not recorded)\n");
        } else {
            triedSteps.forEach(t -> d.append("- ").append(t).append('\n'));
        }
        d.append("\nThe host keeps its reboot slot until an operator releases it (fleetroll reboot-slots release ").append(host)
                .append(" --reason ...).\n");
        return d.toString();
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
