package dev.fleetroll.taskcluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Hawk request authentication (sha256 only), as Taskcluster uses it: signing the {@code Authorization} header on the
 * client, and checking it on the server side (the stand-in).
 *
 * <p>The MAC covers nine lines, each ending in {@code \n}: {@code hawk.1.header}, timestamp (Unix seconds), nonce,
 * method (upper case), path and query, host (lower case), port, payload hash (or nothing), ext (or nothing). The key is
 * the access token as UTF-8 text. A server checks, in this order: the id is known, the MAC matches, the timestamp is
 * within the skew window; a stale timestamp is answered with the server's own time so the client can correct it.
 */
public final class Hawk {
    /** hapi/hawk's default, and Taskcluster's: a request may be this far off the server's clock. */
    public static final Duration DEFAULT_SKEW = Duration.ofMinutes(15);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] NONCE_CHARS =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private Hawk() {}

    /** What a request's MAC covers. {@code hash} and {@code ext} may be null (an empty line). */
    public record Artifacts(long ts, String nonce, String method, String resource, String host, int port, String hash,
                            String ext) {}

    /** The outcome of {@link #verify}. */
    public enum Status { OK, BAD_HEADER, UNKNOWN_ID, BAD_MAC, STALE_TIMESTAMP }

    /**
     * A verification result: {@code id} is the header's id (null when the header could not be parsed),
     * {@code serverTs} the server's clock in Unix seconds, {@code message} hapi's wording ("Bad Mac",
     * "Stale timestamp", ...), empty when ok.
     */
    public record Verification(Status status, String id, long serverTs, String message) {
        public boolean ok() {
            return status == Status.OK;
        }
    }

    /** The normalized string the MAC is computed over. */
    public static String normalized(Artifacts a) {
        return "hawk.1.header\n" + a.ts() + "\n" + a.nonce() + "\n" + a.method().toUpperCase(Locale.ROOT) + "\n"
                + a.resource() + "\n" + a.host().toLowerCase(Locale.ROOT) + "\n" + a.port() + "\n"
                + (a.hash() == null ? "" : a.hash()) + "\n" + (a.ext() == null ? "" : a.ext()) + "\n";
    }

    /** base64(HMAC-SHA256(key, text)). */
    public static String hmac(String key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The request MAC for {@code a} under {@code key}. */
    public static String mac(String key, Artifacts a) {
        return hmac(key, normalized(a));
    }

    /**
     * The payload hash: base64(SHA256("hawk.1.payload\n" + content type + "\n" + body + "\n")); the content type is
     * taken without parameters and in lower case, as hapi/hawk does.
     */
    public static String payloadHash(String contentType, byte[] body) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(("hawk.1.payload\n" + type + "\n").getBytes(StandardCharsets.UTF_8));
            sha.update(body);
            sha.update((byte) '\n');
            return Base64.getEncoder().encodeToString(sha.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** The {@code Authorization} header value for {@code a}, signed with {@code id}/{@code key}. */
    public static String header(String id, String key, Artifacts a) {
        StringBuilder b = new StringBuilder("Hawk id=\"").append(id).append("\", ts=\"").append(a.ts())
                .append("\", nonce=\"").append(a.nonce()).append('"');
        if (a.hash() != null) {
            b.append(", hash=\"").append(a.hash()).append('"');
        }
        if (a.ext() != null && !a.ext().isEmpty()) {
            b.append(", ext=\"").append(a.ext()).append('"');
        }
        return b.append(", mac=\"").append(mac(key, a)).append('"').toString();
    }

    /**
     * The ext Taskcluster expects for temporary credentials: base64 of {@code {"certificate": <certificate>}}, where
     * {@code certificateJson} is the certificate's JSON object text (embedded as an object, not as a string).
     */
    public static String certificateExt(String certificateJson) {
        String json = "{\"certificate\":" + certificateJson.strip() + "}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh random nonce (8 alphanumerics). */
    public static String nonce() {
        char[] c = new char[8];
        for (int i = 0; i < c.length; i++) {
            c[i] = NONCE_CHARS[RANDOM.nextInt(NONCE_CHARS.length)];
        }
        return new String(c);
    }

    /**
     * The attributes of a {@code Hawk ...} header (or of a {@code WWW-Authenticate: Hawk ...} answer), in order.
     * Empty when the text is not a Hawk header or an attribute is malformed.
     */
    public static Optional<Map<String, String>> attributes(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "Hawk", 0, 4) || (h.length() > 4 && h.charAt(4) != ' ')) {
            return Optional.empty();
        }
        Map<String, String> out = new LinkedHashMap<>();
        int i = 4;
        int n = h.length();
        while (true) {
            while (i < n && (h.charAt(i) == ' ' || h.charAt(i) == ',')) {
                i++;
            }
            if (i >= n) {
                return Optional.of(out);
            }
            int eq = h.indexOf('=', i);
            if (eq < 0 || eq + 1 >= n || h.charAt(eq + 1) != '"') {
                return Optional.empty();
            }
            String name = h.substring(i, eq).strip();
            int close = h.indexOf('"', eq + 2);
            if (close < 0 || name.isEmpty() || out.containsKey(name)) {
                return Optional.empty();
            }
            out.put(name, h.substring(eq + 2, close));
            i = close + 1;
        }
    }

    /**
     * Checks a request's {@code Authorization} header the way hapi/hawk does: parse, look up the id's key
     * ({@code keys} answers empty for an unknown id), compare the MAC in constant time, then check the timestamp
     * against {@code nowSeconds} within {@code skew}. {@code resource} is the request's raw path and query.
     */
    public static Verification verify(String authorization, String method, String resource, String host, int port,
                                      Function<String, Optional<String>> keys, long nowSeconds, Duration skew) {
        Optional<Map<String, String>> parsed = attributes(authorization);
        if (parsed.isEmpty()) {
            return new Verification(Status.BAD_HEADER, null, nowSeconds, "Invalid header syntax");
        }
        Map<String, String> at = parsed.get();
        String id = at.get("id");
        String ts = at.get("ts");
        String nonce = at.get("nonce");
        String mac = at.get("mac");
        if (id == null || ts == null || nonce == null || mac == null) {
            return new Verification(Status.BAD_HEADER, id, nowSeconds, "Missing attributes");
        }
        long tsValue;
        try {
            tsValue = Long.parseLong(ts);
        } catch (NumberFormatException e) {
            return new Verification(Status.BAD_HEADER, id, nowSeconds, "Invalid timestamp");
        }
        Optional<String> key = keys.apply(id);
        if (key.isEmpty()) {
            return new Verification(Status.UNKNOWN_ID, id, nowSeconds, "Unknown credentials");
        }
        String expected = mac(key.get(), new Artifacts(tsValue, nonce, method, resource, host, port, at.get("hash"),
                at.get("ext")));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), mac.getBytes(StandardCharsets.UTF_8))) {
            return new Verification(Status.BAD_MAC, id, nowSeconds, "Bad Mac");
        }
        if (Math.abs(tsValue - nowSeconds) > skew.toSeconds()) {
            return new Verification(Status.STALE_TIMESTAMP, id, nowSeconds, "Stale timestamp");
        }
        return new Verification(Status.OK, id, nowSeconds, "");
    }

    /** The timestamp MAC hapi/hawk sends with a stale-timestamp answer: HMAC over {@code hawk.1.ts\n<ts>\n}. */
    public static String timestampMac(String key, long ts) {
        return hmac(key, "hawk.1.ts\n" + ts + "\n");
    }

    /** The {@code WWW-Authenticate} value hapi/hawk sends for a stale timestamp. */
    public static String staleTimestampChallenge(String key, long serverTs) {
        return "Hawk ts=\"" + serverTs + "\", tsm=\"" + timestampMac(key, serverTs) + "\", error=\"Stale timestamp\"";
    }
}
