package dev.fleetroll.remote;

import dev.fleetroll.puppet.HostPaths;
import dev.fleetroll.state.FileFacts;
import dev.fleetroll.state.Observation;
import java.util.function.Function;

/**
 * The files fleetroll writes on hosts. Their paths per OS come from {@link HostPaths}, the one path table (chosen on
 * the host by {@code uname -s}).
 */
public enum ManagedFile {
    OVERRIDE("override", HostPaths::override, Observation::override, false),
    VAULT("vault", HostPaths::vault, Observation::vault, true);

    private final String label;
    private final Function<HostPaths, String> path;
    private final Function<Observation, FileFacts> observed;
    private final boolean secret;

    ManagedFile(String label, Function<HostPaths, String> path, Function<Observation, FileFacts> observed, boolean secret) {
        this.label = label;
        this.path = path;
        this.observed = observed;
        this.secret = secret;
    }

    /** {@code override} or {@code vault}: used in audit actions ({@code override.set}) and messages. */
    public String label() {
        return label;
    }

    /** Where this file lives on a host with {@code paths}. */
    public String path(HostPaths paths) {
        return path.apply(paths);
    }

    /** What {@code o} saw of this file (null when the file was absent). */
    public FileFacts observed(Observation o) {
        return observed.apply(o);
    }

    /** True when the content is secret: never shown, diffed, logged or audited, only its sha256. */
    public boolean secret() {
        return secret;
    }
}
