package dev.fleetroll.github;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One link of an HTTP {@code Link} header (RFC 8288): the target as written between {@code <>} and its parameters
 * (names lower-cased, values unquoted; the first of a repeated name wins).
 */
public record Link(String target, Map<String, String> params) {
    public Link {
        params = Map.copyOf(params);
    }

    /** The relation types of {@code rel}, lower-cased (a rel may list several, separated by spaces). */
    public List<String> rels() {
        String rel = params.get("rel");
        if (rel == null || rel.isBlank()) {
            return List.of();
        }
        return Arrays.stream(rel.strip().split("\\s+")).map(r -> r.toLowerCase(Locale.ROOT)).toList();
    }

    public boolean hasRel(String rel) {
        return rels().contains(rel.toLowerCase(Locale.ROOT));
    }
}
