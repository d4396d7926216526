package dev.fleetroll.github;

import dev.fleetroll.UserError;
import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.config.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes the GitHub client a workspace asks for: the configured API URL, timeouts and attempts, and a token from
 * {@code $GITHUB_TOKEN} or the configured {@code github.token_file} (none: anonymous, 60 requests an hour).
 */
public final class GitHubAccess {
    public static final String TOKEN_ENV = "GITHUB_TOKEN";

    private GitHubAccess() {}

    public static GitHubClient client(Workspace workspace) {
        FleetrollConfig.Github c = workspace.config().github();
        GitHubClient.Settings s;
        try {
            s = GitHubClient.Settings.defaults().withApiUrl(c.apiUrl());
        } catch (IllegalArgumentException e) {
            throw new UserError("github.api_url '" + c.apiUrl() + "' is not an http(s) URL; set it in "
                    + workspace.home().configFile());
        }
        s = s.withRequestTimeout(c.requestTimeout()).withMaxAttempts(Math.max(1, c.attempts()));
        String token = token(workspace, c);
        return new GitHubClient(token == null ? s : s.withToken(token));
    }

    private static String token(Workspace workspace, FleetrollConfig.Github c) {
        String env = workspace.env().get(TOKEN_ENV);
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        if (c.tokenFile() == null || c.tokenFile().isBlank()) {
            return null;
        }
        Path file = workspace.path(c.tokenFile());
        try {
            String t = Files.readString(file).strip();
            if (t.isEmpty()) {
                throw new UserError("github.token_file " + file + " is empty: put a token in it, or unset github.token_file");
            }
            return t;
        } catch (IOException e) {
            throw new UserError("cannot read github.token_file " + file + ": " + e.getMessage()
                    + " (fix the path, or unset github.token_file)");
        }
    }
}
