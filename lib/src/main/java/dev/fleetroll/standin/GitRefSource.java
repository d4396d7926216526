package dev.fleetroll.standin;

import dev.fleetroll.github.GitHubRepo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Branch heads of real bare git repositories, read with {@code git for-each-ref refs/heads} on every request (so a
 * push shows at once). Which repository stands for {@code owner/repo} is a map, a directory laid out as
 * {@code <dir>/<owner>/<repo>.git}, or the {@code url.<path>.insteadOf} entries of a gitconfig such as the one the
 * sandbox gives its hosts (see {@code dev.fleetroll.sandbox.PuppetRepo#gitConfig()}).
 */
public final class GitRefSource implements RefSource {
    private static final long GIT_TIMEOUT_SECONDS = 30;
    private static final Pattern URL_SECTION = Pattern.compile("\\[\\s*url\\s+\"((?:[^\"\\\\]|\\\\.)*)\"\\s*]\\s*(.*)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SECTION = Pattern.compile("\\[.*");
    private static final Pattern INSTEAD_OF = Pattern.compile("insteadof\\s*=\\s*(.*)", Pattern.CASE_INSENSITIVE);

    private final Function<GitHubRepo, Optional<Path>> locate;

    private GitRefSource(Function<GitHubRepo, Optional<Path>> locate) {
        this.locate = locate;
    }

    /** {@code "owner/repo"} (matched case-insensitively) to the bare repository standing for it. */
    public GitRefSource(Map<String, Path> repos) {
        this(byName(repos));
    }

    /** Repositories at {@code <dir>/<owner>/<repo>.git}. */
    public static GitRefSource inDirectory(Path dir) {
        return new GitRefSource(r -> existing(dir.resolve(r.owner()).resolve(r.repo() + ".git")));
    }

    /**
     * The repositories a gitconfig maps GitHub URLs to: for {@code [url "/srv/puppet/ronin.git"] insteadOf =
     * https://github.com/mozilla-platform-ops/ronin_puppet.git} that repository stands for
     * {@code mozilla-platform-ops/ronin_puppet}. Prefix mappings ({@code insteadOf = https://github.com/}) work as in
     * git: the longest matching prefix is replaced. Relative paths are taken from the config file's directory.
     */
    public static GitRefSource fromGitConfig(Path gitconfig) {
        List<Rewrite> rewrites = readRewrites(gitconfig);
        Path base = gitconfig.toAbsolutePath().getParent();
        return new GitRefSource(r -> rewrite(rewrites, r).flatMap(target -> {
            String path = target.startsWith("file://") ? target.substring("file://".length()) : target;
            return path.contains("://") ? Optional.empty() : existing(base.resolve(path));
        }));
    }

    @Override
    public Optional<Map<String, String>> heads(String owner, String repo) {
        GitHubRepo r;
        try {
            r = new GitHubRepo(owner, repo);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return locate.apply(r).map(GitRefSource::forEachRef);
    }

    private static Function<GitHubRepo, Optional<Path>> byName(Map<String, Path> repos) {
        Map<String, Path> byId = new LinkedHashMap<>();
        repos.forEach((k, v) -> byId.put(k.toLowerCase(Locale.ROOT), v));
        return r -> Optional.ofNullable(byId.get(r.id())).flatMap(GitRefSource::existing);
    }

    private static Optional<Path> existing(Path p) {
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }

    /** Branch name to sha of the bare repository {@code gitDir}. */
    static Map<String, String> forEachRef(Path gitDir) {
        ProcessBuilder pb = new ProcessBuilder("git", "-c", "safe.directory=*", "--git-dir=" + gitDir,
                "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads");
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process p = pb.start();
            String out;
            String err;
            try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
                out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
                err = new String(e.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new UncheckedIOException(new IOException("git for-each-ref in " + gitDir + " did not finish"));
            }
            if (p.exitValue() != 0) {
                throw new UncheckedIOException(new IOException("git for-each-ref in " + gitDir + " failed: "
                        + err.strip().replace('\n', ' ')));
            }
            Map<String, String> heads = new LinkedHashMap<>();
            out.lines().forEach(line -> {
                int space = line.lastIndexOf(' ');
                if (space > 0 && line.startsWith("refs/heads/")) {
                    heads.put(line.substring("refs/heads/".length(), space), line.substring(space + 1));
                }
            });
            return heads;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run git for " + gitDir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + gitDir, e);
        }
    }

    /** {@code [url "replacement"] insteadOf = prefix}. */
    record Rewrite(String prefix, String replacement) {}

    static List<Rewrite> readRewrites(Path gitconfig) {
        List<String> lines;
        try {
            lines = Files.readAllLines(gitconfig, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read git config " + gitconfig + ": " + e.getMessage(), e);
        }
        List<Rewrite> rewrites = new ArrayList<>();
        String url = null;
        for (String raw : lines) {
            String line = raw.strip();
            Matcher section = URL_SECTION.matcher(line);
            if (section.matches()) {
                url = unescape(section.group(1));
                line = section.group(2).strip(); // a key may follow the header on the same line
            } else if (SECTION.matcher(line).matches()) {
                url = null;
                continue;
            }
            Matcher m = INSTEAD_OF.matcher(line);
            if (url != null && m.matches()) {
                rewrites.add(new Rewrite(value(m.group(1)), url));
            }
        }
        return rewrites;
    }

    /** The candidate GitHub URLs of {@code r}, rewritten by the longest matching prefix, as git does. */
    static Optional<String> rewrite(List<Rewrite> rewrites, GitHubRepo r) {
        List<String> urls = List.of("https://github.com/" + r.key() + ".git", "https://github.com/" + r.key(),
                "git@github.com:" + r.key() + ".git", "git@github.com:" + r.key(),
                "ssh://git@github.com/" + r.key() + ".git", "ssh://git@github.com/" + r.key());
        for (String url : urls) {
            Rewrite best = null;
            for (Rewrite w : rewrites) {
                if (url.regionMatches(true, 0, w.prefix(), 0, w.prefix().length())
                        && (best == null || w.prefix().length() > best.prefix().length())) {
                    best = w;
                }
            }
            if (best != null) {
                return Optional.of(best.replacement() + url.substring(best.prefix().length()));
            }
        }
        return Optional.empty();
    }

    /** A config value: comments after an unquoted # or ; dropped, quotes removed, escapes resolved. */
    private static String value(String text) {
        StringBuilder b = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && i + 1 < text.length()) {
                char n = text.charAt(++i);
                b.append(n == 'n' ? '\n' : n == 't' ? '\t' : n);
            } else if (!quoted && (c == '#' || c == ';')) {
                break;
            } else {
                b.append(c);
            }
        }
        return b.toString().strip();
    }

    private static String unescape(String s) {
        return s.replaceAll("\\\\(.)", "$1");
    }
}
