package dev.fleetroll.ops.write;

import dev.fleetroll.ops.WritePlan;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.fleetroll.remote.ManagedFile;
import dev.fleetroll.state.FileFacts;
import dev.fleetroll.state.Observation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link WritePlan}: groups the hosts by what the store last saw of their file and, for overrides whose
 * old content is in the local content store, adds a unified diff. Vaults never get a diff. Reads only local data
 * (stored observations and content): the host-side script still decides blocked/unchanged on the host.
 */
final class WritePlanner {

    private WritePlanner() {}

    /** The settings of a write after defaults were applied and checked. */
    record Settings(String targetPath, String mode, String owner, String group, boolean backup, int backupsKept,
                    boolean force, String onlyIfSha, String reason) {}

    static WritePlan plan(WriteAction action, List<String> hosts, WriteSource source, String sha256, Settings s,
                          Map<String, Observation> latestOk, ContentAccess content) {
        ManagedFile file = action.file();
        String newText = source != null && !file.secret() ? new String(source.bytes(), StandardCharsets.UTF_8) : null;

        record Key(WritePlan.State state, String sha) {}
        Map<Key, List<String>> groups = new LinkedHashMap<>();
        Map<Key, Instant> oldest = new LinkedHashMap<>();
        for (String h : hosts) {
            Observation o = latestOk.get(h);
            FileFacts f = o == null ? null : file.observed(o);
            Key key;
            if (o == null || !o.ok()) {
                key = new Key(WritePlan.State.UNKNOWN, null);
            } else if (s.targetPath() != null && (f == null || !s.targetPath().equals(f.path()))) {
                key = new Key(WritePlan.State.UNKNOWN, null); // the audit looked at the default path, not this one
            } else if (f == null) {
                key = new Key(WritePlan.State.ABSENT, null);
            } else if (f.sha256() == null) {
                key = new Key(WritePlan.State.UNKNOWN, null);
            } else if (!action.removal() && f.sha256().equals(sha256)) {
                key = new Key(WritePlan.State.SAME, f.sha256());
            } else {
                key = new Key(WritePlan.State.DIFFERENT, f.sha256());
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(h);
            if (o != null && o.ts() != null && key.state() != WritePlan.State.UNKNOWN) {
                oldest.merge(key, o.ts(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        List<WritePlan.CurrentGroup> current = new ArrayList<>();
        for (Map.Entry<Key, List<String>> e : groups.entrySet()) {
            Key k = e.getKey();
            List<String> diff = List.of();
            boolean omitted = false;
            if (k.state() == WritePlan.State.DIFFERENT && !file.secret()) {
                Optional<byte[]> old = content.find(file, k.sha());
                if (old.isPresent()) {
                    List<String> a = new String(old.get(), StandardCharsets.UTF_8).lines().toList();
                    List<String> b = action.removal() ? List.of() : newText.lines().toList();
                    if (a.size() > WritePlan.MAX_DIFF_LINES || b.size() > WritePlan.MAX_DIFF_LINES) {
                        omitted = true;
                    } else {
                        diff = unifiedDiff(a, b, "current " + label(k.sha(), content),
                                action.removal() ? "(removed)" : "new " + label(sha256, content));
                    }
                }
            }
            current.add(new WritePlan.CurrentGroup(k.state(), k.sha(), k.sha() == null ? null : content.humanhash(k.sha()),
                    e.getValue(), oldest.get(k), diff, omitted));
        }
        current.sort(Comparator.comparing(WritePlan.CurrentGroup::state).thenComparing(g -> -g.hosts().size()));
        return new WritePlan(action, hosts, source == null ? null : source.name(), sha256,
                sha256 == null ? null : content.humanhash(sha256), source == null ? null : (long) source.bytes().length,
                newText, s.targetPath(), s.mode(), s.owner(), s.group(), s.backup(), s.backupsKept(), s.force(),
                s.onlyIfSha(), s.reason(), current);
    }

    private static String label(String sha, ContentAccess content) {
        return sha.substring(0, 12) + " (" + content.humanhash(sha) + ")";
    }

    /** A unified diff with 3 lines of context; empty when the texts are equal. */
    static List<String> unifiedDiff(String oldText, String newText, String oldName, String newName) {
        return unifiedDiff(oldText.lines().toList(), newText.lines().toList(), oldName, newName);
    }

    private static List<String> unifiedDiff(List<String> a, List<String> b, String oldName, String newName) {
        Patch<String> patch = DiffUtils.diff(a, b);
        if (patch.getDeltas().isEmpty()) {
            return List.of();
        }
        return UnifiedDiffUtils.generateUnifiedDiff(oldName, newName, a, patch, 3);
    }
}
