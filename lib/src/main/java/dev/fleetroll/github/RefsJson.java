package dev.fleetroll.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads one page of {@code GET /repos/{owner}/{repo}/git/refs/heads}: a JSON list of
 * {@code {"ref":"refs/heads/NAME","object":{"sha":SHA,...},...}} into branch name to sha. Anything else is a
 * {@link GitHubException} naming the URL.
 */
final class RefsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HEADS = "refs/heads/";
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    private RefsJson() {}

    static Map<String, String> branchHeads(byte[] body, String url) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new GitHubException("GitHub sent malformed JSON for " + url + ": " + Messages.oneLine(why), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new GitHubException("GitHub sent malformed JSON for " + url + ": empty body");
        }
        Map<String, String> heads = new LinkedHashMap<>();
        if (root.isObject() && root.has("ref")) {
            add(heads, root, 0, url); // one ref answered as an object
        } else if (root.isArray()) {
            for (int i = 0; i < root.size(); i++) {
                add(heads, root.get(i), i, url);
            }
        } else {
            throw new GitHubException("GitHub sent unexpected JSON for " + url + ": expected a list of refs, got "
                    + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return heads;
    }

    private static void add(Map<String, String> heads, JsonNode ref, int index, String url) {
        String name = ref.path("ref").asText("");
        String sha = ref.path("object").path("sha").asText("");
        if (!ref.path("ref").isTextual() || !name.startsWith(HEADS) || name.length() == HEADS.length()) {
            throw new GitHubException("GitHub sent unexpected JSON for " + url + ": ref #" + index
                    + " has no refs/heads/ name");
        }
        if (!ref.path("object").path("sha").isTextual() || !SHA.matcher(sha).matches()) {
            throw new GitHubException("GitHub sent unexpected JSON for " + url + ": " + name + " has no object.sha");
        }
        heads.put(name.substring(HEADS.length()), sha);
    }
}
