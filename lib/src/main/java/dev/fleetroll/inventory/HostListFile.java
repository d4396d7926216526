package dev.fleetroll.inventory;

import dev.fleetroll.UserError;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host list file: one host or node set per line; blank lines and {@code #} comments (whole-line or trailing)
 * are ignored; a {@code # fqdn: .suffix} directive appends the suffix to every dot-less entry in the file.
 * Two different {@code fqdn} directives in one file are an error rather than a silent last-one-wins.
 */
public final class HostListFile {
    private static final Pattern FQDN = Pattern.compile("^#\\s*fqdn\\s*:\\s*(\\S*)\\s*$", Pattern.CASE_INSENSITIVE);

    private HostListFile() {}

    /** Parses {@code file} into normalised host names, in file order without duplicates. */
    public static List<String> read(Path file) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new UserError("host list " + file + " does not exist");
        } catch (CharacterCodingException e) {
            throw new UserError("host list " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UserError("cannot read host list " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /** Parses list text; {@code source} names it in error messages. */
    public static List<String> parse(String text, String source) {
        String suffix = null;
        int suffixLine = 0;
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            int lineNo = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher m = FQDN.matcher(line);
                if (m.matches()) {
                    String s = m.group(1);
                    if (s.isEmpty()) {
                        throw new UserError(source + ":" + lineNo + ": fqdn directive without a suffix (write '# fqdn: .example.com')");
                    }
                    s = s.startsWith(".") ? s : "." + s;
                    if (suffix != null && !suffix.equals(s)) {
                        throw new UserError(source + ":" + lineNo + ": second fqdn directive '" + s
                                + "' conflicts with '" + suffix + "' on line " + suffixLine + " (use one suffix per file)");
                    }
                    suffix = s;
                    suffixLine = lineNo;
                }
                continue;
            }
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash).strip();
            }
            if (line.contains(" ") || line.contains("\t")) {
                throw new UserError(source + ":" + lineNo + ": one host per line, found '" + line + "'");
            }
            entries.add(new Entry(line, lineNo));
        }
        Set<String> hosts = new LinkedHashSet<>();
        for (Entry e : entries) {
            List<String> names;
            try {
                names = NodeSet.expand(e.text);
            } catch (UserError err) {
                throw new UserError(source + ":" + e.line + ": " + err.getMessage());
            }
            for (String n : names) {
                String full = suffix != null && !n.contains(".") ? n + suffix : n;
                String problem = HostNames.problem(full);
                if (problem != null) {
                    throw new UserError(source + ":" + e.line + ": bad host name '" + full + "': " + problem);
                }
                hosts.add(full.toLowerCase(java.util.Locale.ROOT));
            }
        }
        return List.copyOf(hosts);
    }

    private record Entry(String text, int line) {}
}
