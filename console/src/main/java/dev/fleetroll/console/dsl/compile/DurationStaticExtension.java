package dev.fleetroll.console.dsl.compile;

import dev.fleetroll.console.dsl.HostSet;
import java.time.Duration;

/**
 * Static Groovy extension: {@code Duration.ofText('1h30m')} parses the query syntax in scripts.
 *
 * <p>It also keeps the shaded jar's merged extension descriptor alive: maven-shade-plugin's
 * GroovyResourceTransformer (3.6.1) writes the merged descriptor only when some module declares a static
 * extension class.
 */
public final class DurationStaticExtension {
    private DurationStaticExtension() {}

    public static Duration ofText(Duration type, String text) {
        return HostSet.toDuration(text, "Duration.ofText");
    }
}
