package dev.fleetroll.github;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * When a 403 or 429 answer is GitHub's rate limit, the moment it lifts: {@code Retry-After} (seconds or an HTTP
 * date) first, else {@code X-RateLimit-Reset} when {@code X-RateLimit-Remaining} is 0, else, for a 429 or a 403
 * whose message speaks of a rate limit (GitHub's secondary limits), one minute from now as GitHub's docs advise.
 */
record RateLimit(Instant resetsAt) {
    static final Duration SECONDARY_WAIT = Duration.ofMinutes(1);

    static Optional<RateLimit> of(int status, HttpHeaders headers, String serverMessage, Instant now) {
        if (status != 403 && status != 429) {
            return Optional.empty();
        }
        Optional<String> retryAfter = headers.firstValue("retry-after").map(String::strip);
        if (retryAfter.isPresent()) {
            Optional<Instant> at = retryAfter(retryAfter.get(), now);
            if (at.isPresent()) {
                return Optional.of(new RateLimit(at.get()));
            }
        }
        boolean exhausted = headers.firstValue("x-ratelimit-remaining").map(String::strip).filter("0"::equals).isPresent();
        Optional<Long> reset = headers.firstValue("x-ratelimit-reset").flatMap(RateLimit::longValue);
        if (exhausted && reset.isPresent()) {
            return Optional.of(new RateLimit(Instant.ofEpochSecond(reset.get())));
        }
        boolean speaksOfLimit = serverMessage != null && serverMessage.toLowerCase(Locale.ROOT).contains("rate limit");
        if (status == 429 || exhausted || speaksOfLimit) {
            return Optional.of(new RateLimit(now.plus(SECONDARY_WAIT)));
        }
        return Optional.empty();
    }

    /** How long to wait from {@code now}; never negative. */
    Duration waitFrom(Instant now) {
        Duration d = Duration.between(now, resetsAt);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static Optional<Instant> retryAfter(String value, Instant now) {
        Optional<Long> seconds = longValue(value);
        if (seconds.isPresent()) {
            return Optional.of(now.plusSeconds(Math.max(0, seconds.get())));
        }
        try {
            return Optional.of(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> longValue(String s) {
        try {
            return Optional.of(Long.parseLong(s.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
