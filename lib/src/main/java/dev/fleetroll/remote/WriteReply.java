package dev.fleetroll.remote;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a write script reported (see {@link WriteScripts} for the protocol). {@code result} is null when the output
 * did not come from a write script that ran to a result (sudo refused, the shell was killed, garbage).
 */
public record WriteReply(
        boolean recognised,
        String result,
        String os,
        String target,
        String oldSha256,
        String newSha256,
        String backup,
        List<String> pruned,
        Boolean metaChanged,
        String error) {

    public WriteReply {
        pruned = List.copyOf(pruned);
    }

    public static WriteReply parse(byte[] stdout) {
        return parse(stdout == null ? "" : new String(stdout, StandardCharsets.UTF_8));
    }

    /** Parses the protocol lines; unknown keys and stray lines are ignored, the last value of a key wins. */
    public static WriteReply parse(String stdout) {
        boolean recognised = false;
        String result = null;
        String os = null;
        String target = null;
        String oldSha = null;
        String newSha = null;
        String backup = null;
        Boolean meta = null;
        String error = null;
        List<String> pruned = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (line.equals(WriteScripts.MAGIC)) {
                recognised = true;
                continue;
            }
            if (!recognised) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            switch (key) {
                case "RESULT" -> result = value;
                case "OS" -> os = value;
                case "TARGET" -> target = value;
                case "OLD_SHA256" -> oldSha = value.isEmpty() ? null : value;
                case "NEW_SHA256" -> newSha = value.isEmpty() ? null : value;
                case "BACKUP" -> backup = value.isEmpty() ? null : value;
                case "PRUNED" -> pruned.add(value);
                case "META_CHANGED" -> meta = "1".equals(value);
                case "ERROR" -> error = value;
                default -> {
                    // newer script, older parser: ignore what we do not know
                }
            }
        }
        return new WriteReply(recognised, result, os, target, oldSha, newSha, backup, pruned, meta, error);
    }
}
