package dev.fleetroll.taskcluster;

import dev.fleetroll.UserError;
import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.util.Sleeper;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Makes the Taskcluster client a workspace asks for: the configured root URL, timeouts and attempts, and the
 * credentials found ({@link TaskclusterCredentials#load}: the environment, {@code $TC_TOKEN}, the configured file,
 * {@code ~/.tc_token}). Without credentials the client still reads; writes then fail with a line saying what to
 * set.
 */
public final class TaskclusterAccess {
    private TaskclusterAccess() {}

    public static TaskclusterClient client(Workspace workspace) {
        FleetrollConfig.Taskcluster c = workspace.config().taskcluster();
        String home = workspace.env().getOrDefault("HOME", System.getProperty("user.home"));
        Path configured = c.credentialsFile() == null ? null : workspace.path(c.credentialsFile());
        TaskclusterCredentials credentials = TaskclusterCredentials.load(workspace.env(),
                Path.of(home).resolve(".tc_token"), configured).orElse(null);
        TaskclusterClient.Settings settings;
        try {
            settings = TaskclusterClient.Settings.of(c.rootUrl(), credentials)
                    .withRequestTimeout(c.requestTimeout())
                    .withRetries(Math.max(1, c.attempts()), Duration.ofMillis(200), Sleeper.REAL);
        } catch (IllegalArgumentException e) {
            throw new UserError("taskcluster.root_url '" + c.rootUrl() + "' is not an http(s) URL; set it in "
                    + workspace.home().configFile());
        }
        return new TaskclusterClient(settings);
    }
}
