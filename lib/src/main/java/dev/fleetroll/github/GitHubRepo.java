package dev.fleetroll.github;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GitHub repository, {@code owner/repo}, as named in a Puppet override's {@code PUPPET_REPO} URL. GitHub treats
 * the names case-insensitively; {@link #id()} is the case-folded form for grouping and lookups.
 */
public record GitHubRepo(String owner, String repo) {
    /** Owner and repository names GitHub allows: letters, digits, {@code - _ .}. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final String PATH = "/?([^/]+)/([^/]+?)(?:\\.git)?/?";
    /** https (optionally with user info or :443), scp-like git@, and ssh:// forms; scheme and host case-insensitive. */
    private static final List<Pattern> URLS = List.of(
            Pattern.compile("(?i:https)://(?:[^@/]+@)?(?i:github\\.com)(?::443)?/" + PATH),
            Pattern.compile("git@(?i:github\\.com):" + PATH),
            Pattern.compile("(?i:ssh)://git@(?i:github\\.com)(?::22)?/" + PATH));

    public GitHubRepo {
        if (!validName(owner) || !validName(repo)) {
            throw new IllegalArgumentException("not a GitHub repository name: " + owner + "/" + repo);
        }
    }

    /**
     * The repository a GitHub URL names ({@code https://github.com/OWNER/REPO(.git)},
     * {@code git@github.com:OWNER/REPO(.git)}, {@code ssh://git@github.com/OWNER/REPO(.git)}), or empty when the URL
     * is not one of these (another host, a local path, null).
     */
    public static Optional<GitHubRepo> fromUrl(String url) {
        if (url == null) {
            return Optional.empty();
        }
        String u = url.strip();
        for (Pattern p : URLS) {
            Matcher m = p.matcher(u);
            if (m.matches() && validName(m.group(1)) && validName(m.group(2))) {
                return Optional.of(new GitHubRepo(m.group(1), m.group(2)));
            }
        }
        return Optional.empty();
    }

    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    /** {@code owner/repo}. */
    public String key() {
        return owner + "/" + repo;
    }

    /** {@link #key()} case-folded: equal for names GitHub treats as the same repository. */
    public String id() {
        return key().toLowerCase(Locale.ROOT);
    }

    public RepoBranch branch(String branch) {
        return new RepoBranch(owner, repo, branch);
    }

    /** The https URL hosts clone from. */
    public String httpsUrl() {
        return "https://github.com/" + key() + ".git";
    }

    @Override
    public String toString() {
        return key();
    }
}
