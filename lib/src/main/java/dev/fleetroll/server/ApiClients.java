package dev.fleetroll.server;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetroll.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API's clients, Taskcluster-style: a client id, an access token (the Hawk key) and the scopes it holds. Read
 * from the JSON file named by {@code server.clients_file}:
 *
 * <pre>
 * [{"clientId": "ops/alice", "accessToken": "...", "scopes": ["fleetroll:note:*", "fleetroll:quarantine:*"]}]
 * </pre>
 *
 * A token is never printed or logged.
 */
public final class ApiClients {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One client. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Client(String clientId, String accessToken, List<String> scopes) {
        public Client {
            scopes = scopes == null ? List.of() : List.copyOf(scopes);
        }

        @Override
        public String toString() {
            return "Client[" + clientId + ", scopes=" + scopes + "]";
        }
    }

    private final Map<String, Client> byId;

    public ApiClients(List<Client> clients) {
        Map<String, Client> m = new LinkedHashMap<>();
        for (Client c : clients) {
            if (c.clientId() == null || c.clientId().isBlank() || c.accessToken() == null || c.accessToken().isBlank()) {
                throw new UserError("API clients: every client needs a non-empty clientId and accessToken");
            }
            if (m.put(c.clientId(), c) != null) {
                throw new UserError("API clients: client '" + c.clientId() + "' is listed twice");
            }
        }
        this.byId = Map.copyOf(m);
    }

    /** No client: every action is refused with 401. */
    public static ApiClients none() {
        return new ApiClients(List.of());
    }

    /** Reads the clients file; a clear {@link UserError} when it is missing or malformed. */
    public static ApiClients read(Path file) {
        try {
            return new ApiClients(JSON.readValue(Files.readAllBytes(file), new TypeReference<List<Client>>() {}));
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new UserError("cannot read the API clients file " + file + ": " + m
                    + " (write a JSON list of {clientId, accessToken, scopes})");
        }
    }

    public Optional<Client> find(String clientId) {
        return Optional.ofNullable(byId.get(clientId));
    }

    public int size() {
        return byId.size();
    }
}
