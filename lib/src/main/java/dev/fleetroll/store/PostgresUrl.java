package dev.fleetroll.store;

import dev.fleetroll.UserError;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL store address as configured ({@code store.url}): {@code postgres://USER@HOST[:PORT]/DATABASE} (or
 * {@code postgresql://}). A password written into the URL is accepted but never shown: {@link #toString()} and every
 * message use {@link #redacted()}.
 */
public record PostgresUrl(String user, String password, String host, int port, String database) {
    public static final int DEFAULT_PORT = 5432;

    /** True when {@code url} names a PostgreSQL store (rather than the default SQLite one). */
    public static boolean isPostgres(String url) {
        return url != null && (url.startsWith("postgres://") || url.startsWith("postgresql://"));
    }

    /** Parses {@code url}; a one-line error says what is wrong without repeating a password. */
    public static PostgresUrl parse(String url) {
        String shown = url == null ? "" : url.replaceFirst("//([^:/@]*):[^@]*@", "//$1:***@");
        if (!isPostgres(url)) {
            throw new UserError("store.url '" + shown + "' is not a PostgreSQL URL; write postgres://USER@HOST:PORT/DATABASE");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new UserError("store.url '" + shown + "' is not a valid URL (" + e.getReason()
                    + "); write postgres://USER@HOST:PORT/DATABASE");
        }
        String db = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
        if (uri.getHost() == null || db.isEmpty() || db.contains("/") || uri.getRawUserInfo() == null
                || uri.getRawUserInfo().isEmpty() || uri.getRawQuery() != null) {
            throw new UserError("store.url '" + shown + "' needs a user, a host and a database, and nothing else:"
                    + " postgres://USER@HOST:PORT/DATABASE (the password comes from store.password_file or PGPASSWORD)");
        }
        String info = uri.getRawUserInfo();
        int colon = info.indexOf(':');
        String user = decode(colon < 0 ? info : info.substring(0, colon));
        String password = colon < 0 ? null : decode(info.substring(colon + 1));
        return new PostgresUrl(user, password, uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), decode(db));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The JDBC URL (no user, no password: those go in connection properties). */
    public String jdbcUrl() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + database;
    }

    /** The URL as shown to people: never the password. */
    public String redacted() {
        return "postgres://" + user + "@" + host + ":" + port + "/" + database;
    }

    /** This URL with {@code password} (from a file or the environment) unless it carries one already. */
    public PostgresUrl withPassword(String fallback) {
        return password != null || fallback == null ? this : new PostgresUrl(user, fallback, host, port, database);
    }

    @Override
    public String toString() {
        return redacted();
    }
}
