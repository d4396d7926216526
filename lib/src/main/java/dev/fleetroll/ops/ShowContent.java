package dev.fleetroll.ops;

import dev.fleetroll.UserError;
import dev.fleetroll.content.ContentStore;
import dev.fleetroll.content.Humanhash;
import dev.fleetroll.util.NaturalOrder;
import dev.fleetroll.remote.ManagedFile;
import dev.fleetroll.state.FileFacts;
import dev.fleetroll.state.Observation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code fleetroll show-override|show-vault SHA_PREFIX|HUMANHASH}: finds a stored override or vault in the local
 * content store ({@code $FLEETROLL_HOME/overrides}, {@code vault_yamls}) by sha256 prefix, full sha256 or humanhash,
 * and says which hosts reported that content at their last good audit (no network). Reading a vault's content is a
 * separate, explicit call ({@link #content}); nothing here logs content.
 */
public final class ShowContent {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    /**
     * One stored file.
     *
     * @param hosts hosts whose newest successful audit reported this sha256 (naturally sorted)
     */
    public record Match(ContentStore.Entry entry, List<String> hosts) {
        public Match {
            hosts = List.copyOf(hosts);
        }

        public String sha256() {
            return entry.sha256();
        }

        public String humanhash() {
            return entry.humanhash();
        }
    }

    /** What a query found: one match, or several (ambiguous; sorted by sha). Never empty (that is a {@link UserError}). */
    public record Lookup(ManagedFile kind, String query, List<Match> matches) {
        public Lookup {
            matches = List.copyOf(matches);
        }

        public boolean ambiguous() {
            return matches.size() > 1;
        }

        /** The match, when there is exactly one. */
        public Match match() {
            if (matches.size() != 1) {
                throw new IllegalStateException(matches.size() + " matches");
            }
            return matches.get(0);
        }
    }

    private final ManagedFile kind;
    private final ContentStore store;
    private final Fleet fleet;

    /** @param fleet for which hosts reported the content; null = do not look */
    public ShowContent(ManagedFile kind, ContentStore store, Fleet fleet) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.store = Objects.requireNonNull(store, "store");
        this.fleet = fleet;
    }

    /** The real stores of a {@link DefaultFleet}. */
    public static ShowContent of(DefaultFleet fleet, ManagedFile kind) {
        return new ShowContent(kind, fleet.contents(kind), fleet);
    }

    /**
     * Finds the stored files matching {@code query}.
     *
     * @throws UserError when the query is neither a hex prefix nor a humanhash, or nothing matches
     */
    public Lookup find(String query) {
        String q = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
        List<ContentStore.Entry> entries = q.isEmpty() ? List.of() : store.find(query);
        if (entries.isEmpty() && !HEX.matcher(q).matches() && !Humanhash.looksLikeHumanhash(q)) {
            throw new UserError("'" + printable(query) + "' is neither a sha256 prefix (hex digits) nor a humanhash"
                    + " (two words like colorado-floor)");
        }
        if (entries.isEmpty()) {
            throw new UserError("no stored " + kind.label() + " matches '" + q + "' (in " + store.dir() + "); "
                    + (kind == ManagedFile.VAULT
                    ? "vaults are kept when pushed with host-set-vault or audited with gather-host --fetch-vault"
                    : "overrides are kept when audited with gather-host or pushed with host-set-override"));
        }
        Map<String, List<String>> hostsBySha = hostsBySha();
        List<Match> matches = new ArrayList<>(entries.size());
        for (ContentStore.Entry e : entries) {
            matches.add(new Match(e, hostsBySha.getOrDefault(e.sha256(), List.of())));
        }
        return new Lookup(kind, q, matches);
    }

    /** The stored bytes (for a vault: only when the operator asked to reveal it). */
    public byte[] content(Match match) {
        return store.read(match.entry());
    }

    private Map<String, List<String>> hostsBySha() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (fleet == null) {
            return out;
        }
        List<String> known = fleet.knownHosts();
        if (known.isEmpty()) {
            return out;
        }
        for (Observation o : fleet.latestOk(known).values()) {
            FileFacts f = kind.observed(o);
            if (f != null && f.sha256() != null) {
                out.computeIfAbsent(f.sha256(), k -> new ArrayList<>()).add(o.host());
            }
        }
        out.values().forEach(l -> l.sort(NaturalOrder.INSTANCE));
        return out;
    }

    private static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
