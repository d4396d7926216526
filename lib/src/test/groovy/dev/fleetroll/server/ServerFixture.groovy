package dev.fleetroll.server

import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.ops.DefaultFleet
import dev.fleetroll.taskcluster.Hawk
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

/**
 * A real {@link FleetServer} on 127.0.0.1 (port 0) over a real SQLite store in a temp FLEETROLL_HOME, with API
 * clients written to a clients file and extra config YAML; plus a java.net.http client that signs with Hawk.
 * Scans are off unless the config says otherwise.
 */
class ServerFixture implements AutoCloseable {
    static final Map<String, Map> CLIENTS = [
            'ops/alice': [accessToken: 'alice-token-0123456789', scopes: ['fleetroll:note:*', 'fleetroll:quarantine:*',
                                                                          'fleetroll:reboot:*', 'fleetroll:read']],
            'ops/bob'  : [accessToken: 'bob-token-0123456789', scopes: ['fleetroll:note:none/other-host']],
    ]

    final Path home
    final Workspace workspace
    final DefaultFleet fleet
    FleetServer server
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build()

    ServerFixture(Path dir, String extraConfig = '') {
        home = dir.resolve('home')
        Files.createDirectories(home)
        def clients = dir.resolve('clients.json')
        clients.text = groovy.json.JsonOutput.toJson(CLIENTS.collect { id, c -> [clientId: id] + c })
        home.resolve('config.yaml').text = """\
server:
  clients_file: ${clients}
  scan: {audit_every: 0s, tc_every: 0s, gh_every: 0s, lease_retry: 100ms}
${extraConfig}
"""
        workspace = Workspace.of(new FleetrollHome(home), null, [FLEETROLL_HOME: home.toString()])
        fleet = DefaultFleet.open(workspace)
    }

    ServerFixture start(Scanner.Listener listener = null) {
        def cfg = workspace.config().server()
        server = FleetServer.start(workspace, fleet, fleet.store(), new FleetServer.Options(
                ListenAddress.parse('127.0.0.1:0', false), cfg, ApiClients.read(workspace.path(cfg.clientsFile())),
                Duration.ofMillis(100), listener))
        this
    }

    URI uri(String path) {
        URI.create(server.uri().toString() + path)
    }

    HttpResponse<String> get(String path, Map<String, String> headers = [:]) {
        def b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).GET()
        headers.each { k, v -> b.header(k, v) }
        http.send(b.build(), HttpResponse.BodyHandlers.ofString())
    }

    /** The Hawk header for a request, as a Taskcluster client would sign it. */
    String hawk(String clientId, String method, String resource, byte[] body = null, Map o = [:]) {
        String token = o.token ?: CLIENTS[clientId].accessToken
        String hash = body == null || body.length == 0 ? null : (o.hash ?: Hawk.payloadHash('application/json', body))
        def a = new Hawk.Artifacts(o.ts ?: (System.currentTimeMillis() / 1000L) as long, o.nonce ?: Hawk.nonce(),
                method, resource, '127.0.0.1', server.port(), hash, null)
        Hawk.header(clientId, token, a)
    }

    HttpResponse<String> post(String path, String json, String authorization, Map<String, String> headers = [:]) {
        def bytes = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8)
        def b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).header('Content-Type', 'application/json')
        if (authorization != null) {
            b.header('Authorization', authorization)
        }
        headers.each { k, v -> b.header(k, v) }
        http.send(b.build(), HttpResponse.BodyHandlers.ofString())
    }

    /** A POST signed by {@code clientId}. */
    HttpResponse<String> act(String clientId, String path, String json) {
        post(path, json, hawk(clientId, 'POST', path, json?.getBytes(StandardCharsets.UTF_8)))
    }

    static Object parse(String json) {
        new groovy.json.JsonSlurper().parseText(json)
    }

    @Override
    void close() {
        server?.close()
        fleet.close()
    }
}
