package dev.fleetroll.taskcluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetroll.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Taskcluster credentials: a clientId, its access token and, for temporary credentials, the certificate (its JSON
 * object text; null for permanent credentials).
 *
 * <p>The access token is a secret: {@link #toString()} masks it, and no message made here contains it (file
 * contents are never quoted in errors).
 */
public record TaskclusterCredentials(String clientId, String accessToken, String certificate) {
    static final String ENV_CLIENT_ID = "TASKCLUSTER_CLIENT_ID";
    static final String ENV_ACCESS_TOKEN = "TASKCLUSTER_ACCESS_TOKEN";
    static final String ENV_CERTIFICATE = "TASKCLUSTER_CERTIFICATE";
    static final String ENV_TC_TOKEN = "TC_TOKEN";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public TaskclusterCredentials {
        if (clientId == null || clientId.isBlank() || accessToken == null || accessToken.isEmpty()) {
            throw new IllegalArgumentException("clientId and accessToken are required");
        }
    }

    public static TaskclusterCredentials of(String clientId, String accessToken) {
        return new TaskclusterCredentials(clientId, accessToken, null);
    }

    /** The one-line error for a {@code verb} (a write) attempted without credentials: where to put them. */
    public static UserError missing(String verb) {
        return new UserError(verb + " needs Taskcluster credentials: set " + ENV_CLIENT_ID + " and " + ENV_ACCESS_TOKEN
                + ", or " + ENV_TC_TOKEN + "=FILE, or taskcluster.credentials_file");
    }

    /**
     * Finds the operator's credentials, first match wins: {@code $TASKCLUSTER_CLIENT_ID} with
     * {@code $TASKCLUSTER_ACCESS_TOKEN} (and {@code $TASKCLUSTER_CERTIFICATE} if set); the JSON file named by
     * {@code $TC_TOKEN}; {@code configuredFile} when not null; {@code tcTokenDefault} (such as {@code ~/.tc_token})
     * when it exists. A source that is named but unusable is a {@link UserError}, not a fall-through.
     *
     * @return empty when no source is set and the default file does not exist
     */
    public static Optional<TaskclusterCredentials> load(Map<String, String> env, Path tcTokenDefault, Path configuredFile) {
        String id = nonEmpty(env.get(ENV_CLIENT_ID));
        String token = nonEmpty(env.get(ENV_ACCESS_TOKEN));
        String cert = nonEmpty(env.get(ENV_CERTIFICATE));
        if (id != null && token == null) {
            throw new UserError(ENV_CLIENT_ID + " is set but " + ENV_ACCESS_TOKEN + " is not: set both, or neither");
        }
        if (token != null && id == null) {
            throw new UserError(ENV_ACCESS_TOKEN + " is set but " + ENV_CLIENT_ID + " is not: set both, or neither");
        }
        if (id != null) {
            return Optional.of(new TaskclusterCredentials(id, token, cert == null ? null : certificate(cert, ENV_CERTIFICATE)));
        }
        if (cert != null) {
            throw new UserError(ENV_CERTIFICATE + " is set but " + ENV_CLIENT_ID + " and " + ENV_ACCESS_TOKEN
                    + " are not: set them too, or unset it");
        }
        String tcToken = nonEmpty(env.get(ENV_TC_TOKEN));
        if (tcToken != null) {
            return Optional.of(fromFile(Path.of(tcToken), ENV_TC_TOKEN + " file " + tcToken,
                    "point " + ENV_TC_TOKEN + " at it, or unset " + ENV_TC_TOKEN));
        }
        if (configuredFile != null) {
            return Optional.of(fromFile(configuredFile, "Taskcluster credentials file " + configuredFile,
                    "fix the configured path"));
        }
        if (tcTokenDefault != null && Files.exists(tcTokenDefault)) {
            return Optional.of(fromFile(tcTokenDefault, "Taskcluster credentials file " + tcTokenDefault,
                    "fix it or remove it"));
        }
        return Optional.empty();
    }

    /** Reads {@code {"clientId": ..., "accessToken": ..., "certificate"?: ...}}; {@code what} names the source. */
    static TaskclusterCredentials fromFile(Path file, String what, String fixMissing) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserError(what + ": no such file: " + fixMissing);
        } catch (IOException e) {
            throw new UserError(what + ": cannot read it (" + e.getClass().getSimpleName() + "): check its permissions");
        }
        String shape = what + ": not JSON with clientId and accessToken: write {\"clientId\": \"...\", \"accessToken\": \"...\"}";
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UserError(shape); // the parser's message may quote the file, which holds the token
        }
        if (node == null || !node.isObject() || !node.path("clientId").isTextual() || !node.path("accessToken").isTextual()
                || node.path("clientId").asText().isBlank() || node.path("accessToken").asText().isEmpty()) {
            throw new UserError(shape);
        }
        JsonNode cert = node.get("certificate");
        String certificate = null;
        if (cert != null && !cert.isNull()) {
            if (cert.isObject()) {
                certificate = cert.toString();
            } else if (cert.isTextual()) {
                certificate = certificate(cert.asText(), what + " certificate");
            } else {
                throw new UserError(what + ": certificate is neither a JSON object nor its text: fix or remove it");
            }
        }
        return new TaskclusterCredentials(node.get("clientId").asText(), node.get("accessToken").asText(), certificate);
    }

    private static String certificate(String text, String what) {
        try {
            JsonNode n = MAPPER.readTree(text);
            if (n != null && n.isObject()) {
                return n.toString();
            }
        } catch (JsonProcessingException e) {
            // below
        }
        throw new UserError(what + " is not a JSON object (a Taskcluster certificate): fix or unset it");
    }

    private static String nonEmpty(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** True for temporary credentials. */
    public boolean temporary() {
        return certificate != null;
    }

    @Override
    public String toString() {
        return "TaskclusterCredentials[clientId=" + clientId + ", accessToken=***"
                + (certificate == null ? "" : ", temporary") + "]";
    }
}
