package dev.fleetroll.github;

import dev.fleetroll.UserError;
import java.util.Optional;

/**
 * A branch of a GitHub repository whose head is the Puppet sha hosts are expected to run: from a host's override
 * ({@code PUPPET_REPO} + {@code PUPPET_BRANCH}) or {@link #DEFAULT}. Written {@code owner/repo:branch} ({@link #key()}).
 */
public record RepoBranch(String owner, String repo, String branch) {
    /** What hosts run without an override. */
    public static final RepoBranch DEFAULT = new RepoBranch("mozilla-platform-ops", "ronin_puppet", "master");

    public RepoBranch {
        new GitHubRepo(owner, repo); // validates the names
        if (!validBranch(branch)) {
            throw new IllegalArgumentException("not a git branch name: '" + branch + "'");
        }
    }

    /**
     * The branch {@code branch} of the GitHub repository {@code puppetRepoUrl} names, or empty when the URL is not
     * a GitHub repository URL (see {@link GitHubRepo#fromUrl}) or the branch is blank or not a valid branch name.
     */
    public static Optional<RepoBranch> of(String puppetRepoUrl, String branch) {
        String b = branch == null ? "" : branch.strip();
        if (!validBranch(b)) {
            return Optional.empty();
        }
        return GitHubRepo.fromUrl(puppetRepoUrl).map(r -> r.branch(b));
    }

    /** Parses {@code owner/repo:branch}, as {@link #key()} writes it. */
    public static RepoBranch parse(String text) {
        String t = text == null ? "" : text.strip();
        int colon = t.indexOf(':');
        int slash = t.indexOf('/');
        if (colon > 0 && slash > 0 && slash < colon) {
            String owner = t.substring(0, slash);
            String repo = t.substring(slash + 1, colon);
            String branch = t.substring(colon + 1);
            if (GitHubRepo.validName(owner) && GitHubRepo.validName(repo) && validBranch(branch)) {
                return new RepoBranch(owner, repo, branch);
            }
        }
        throw new UserError("not a repository branch: '" + oneLine(t) + "' (expected owner/repo:branch, e.g. "
                + DEFAULT.key() + ")");
    }

    /** {@code owner/repo:branch}. */
    public String key() {
        return owner + "/" + repo + ":" + branch;
    }

    public GitHubRepo repository() {
        return new GitHubRepo(owner, repo);
    }

    @Override
    public String toString() {
        return key();
    }

    /** The rules of git check-ref-format for a branch name. */
    static boolean validBranch(String b) {
        if (b == null || b.isEmpty() || b.equals("@") || b.startsWith("-") || b.startsWith("/") || b.endsWith("/")
                || b.endsWith(".") || b.endsWith(".lock") || b.contains("..") || b.contains("//") || b.contains("@{")
                || b.contains("/.") || b.startsWith(".")) {
            return false;
        }
        for (int i = 0; i < b.length(); i++) {
            char c = b.charAt(i);
            if (c <= ' ' || c == 0x7f || "~^:?*[\\".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static String oneLine(String s) {
        String flat = s.replaceAll("\\p{Cntrl}", " ");
        return flat.length() > 120 ? flat.substring(0, 120) + "..." : flat;
    }
}
