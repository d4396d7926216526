package dev.fleetroll.standin;

import java.time.Duration;

/** One answer {@link GitHubStandIn} gives instead of the real one, queued by its fault knobs. */
sealed interface Fault {
    /** A plain error status, e.g. 502. */
    record Status(int status) implements Fault {}

    /** 403 with {@code X-RateLimit-Remaining: 0} and a reset {@code resetIn} from now. */
    record RateLimited(Duration resetIn) implements Fault {}

    /** 429 with {@code Retry-After: seconds}. */
    record RetryAfter(int seconds) implements Fault {}

    /** No answer for {@code delay} (the normal answer after it, if the client still waits). */
    record Stall(Duration delay) implements Fault {}

    /** 200 with a body that is not JSON. */
    record Malformed() implements Fault {}
}
