package dev.fleetroll.remote;

import dev.fleetroll.content.ContentStore;
import dev.fleetroll.puppet.OverrideFile;
import dev.fleetroll.puppet.PuppetMetadata;
import dev.fleetroll.ssh.ExecResult;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.state.AuditMemo;
import dev.fleetroll.state.FileFacts;
import dev.fleetroll.state.Observation;
import dev.fleetroll.state.OverrideSettings;
import dev.fleetroll.state.PuppetRun;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the output of {@link AuditScript} into an {@link Observation}. Never throws: garbage, partial or truncated
 * output gives an observation whose unknown fields are null, with one warning per problem; the outcome stays OK
 * when the command ran. Non-OK outcomes become {@link Observation#failed}.
 */
public final class AuditParser {
    private static final Pattern KEY = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern MODE = Pattern.compile("[0-7]{1,4}");
    private static final Pattern DIGITS = Pattern.compile("-?\\d{1,18}");
    private static final int MAX_WARNING_TEXT = 120;

    private AuditParser() {}

    /** Parses an executor result of a full audit; the observation's time is when the command finished. */
    public static AuditParse parse(ExecResult r) {
        return parse(r, null);
    }

    /**
     * Parses an executor result of an audit that was given known values from {@code known} (see {@link AuditKnown}):
     * facts of files the host reports unchanged ({@code _SAME}) come from {@code known}.
     */
    public static AuditParse parse(ExecResult r, Observation known) {
        Instant ts = r.started() == null ? Instant.now() : r.elapsed() == null ? r.started() : r.started().plus(r.elapsed());
        long ms = r.elapsed() == null ? 0 : r.elapsed().toMillis();
        AuditParse p = parse(r.host(), ts, r.outcome(), r.exitCode(), r.stdout(), r.stderrText(), ms, r.error(), known);
        if (r.truncated() && p.observation().ok()) {
            Observation o = p.observation();
            List<String> w = new ArrayList<>(o.warnings());
            w.add(0, "output was capped by the SSH layer" + (r.spillFile() == null ? "" : "; full output in " + r.spillFile()));
            p = new AuditParse(o.withWarnings(w, null), p.overrideContent(), p.vaultContent(), p.reused());
        }
        return p;
    }

    /**
     * Parses raw values.
     *
     * @param ts when the audit finished (kept to the millisecond)
     * @param stdout the script's standard output, possibly truncated or null
     * @param stderr its standard error, possibly null
     */
    public static AuditParse parse(String host, Instant ts, Outcome outcome, Integer exitCode, byte[] stdout, String stderr,
                                   long elapsedMs) {
        return parse(host, ts, outcome, exitCode, stdout, stderr, elapsedMs, null);
    }

    /** As {@link #parse(String, Instant, Outcome, Integer, byte[], String, long)} with the executor's one-line error. */
    public static AuditParse parse(String host, Instant ts, Outcome outcome, Integer exitCode, byte[] stdout, String stderr,
                                   long elapsedMs, String error) {
        return parse(host, ts, outcome, exitCode, stdout, stderr, elapsedMs, error, null);
    }

    /** As {@link #parse(String, Instant, Outcome, Integer, byte[], String, long, String)} with the known observation. */
    public static AuditParse parse(String host, Instant ts, Outcome outcome, Integer exitCode, byte[] stdout, String stderr,
                                   long elapsedMs, String error, Observation known) {
        Instant at = (ts == null ? Instant.now() : ts).truncatedTo(ChronoUnit.MILLIS);
        if (outcome == null || !outcome.isOk()) {
            Outcome o = outcome == null ? Outcome.FAILED : outcome;
            return new AuditParse(Observation.failed(host, at, o, failureText(o, exitCode, stderr, error), exitCode, elapsedMs),
                    null, null);
        }
        try {
            return new Run(host, at, exitCode, elapsedMs, known).parse(stdout == null ? new byte[0] : stdout, stderr);
        } catch (RuntimeException e) {
            // a parser bug must not lose the audit: keep what we know and say what happened
            Observation o = new Observation(host, at, Outcome.OK, null, exitCode, elapsedMs, null, null, null, null, null,
                    null, null, null, null, List.of("audit output could not be parsed: " + e));
            return new AuditParse(o, null, null);
        }
    }

    private static String failureText(Outcome o, Integer exitCode, String stderr, String error) {
        if (error != null && !error.isBlank()) {
            return oneLine(error);
        }
        if (stderr != null) {
            for (String line : stderr.split("\n")) {
                if (!line.isBlank()) {
                    return oneLine(line);
                }
            }
        }
        return exitCode != null ? "exit " + exitCode : o.label();
    }

    private static String oneLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        if (nl >= 0) {
            t = t.substring(0, nl).strip();
        }
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    /** State of one parse. */
    private static final class Run {
        private final String host;
        private final Instant ts;
        private final Integer exitCode;
        private final long elapsedMs;
        private final List<String> warnings = new ArrayList<>();
        private final Map<String, String> kv = new LinkedHashMap<>();
        private final Observation known;
        private final Set<AuditParse.Reused> reused = EnumSet.noneOf(AuditParse.Reused.class);
        private boolean complete;

        Run(String host, Instant ts, Integer exitCode, long elapsedMs, Observation known) {
            this.host = host;
            this.ts = ts;
            this.exitCode = exitCode;
            this.elapsedMs = elapsedMs;
            this.known = known != null && known.ok() ? known : null;
        }

        AuditParse parse(byte[] stdout, String stderr) {
            boolean isAudit = readLines(stdout);
            boolean quiet = stderr == null || stderr.isBlank();
            noteStderr(stderr);
            if (!isAudit) {
                return new AuditParse(observation(null, null, null, null, null, null, null, null, null, null, null), null, null);
            }
            String os = value("OS");
            if (isSet("OS_SAME")) {
                reused.add(AuditParse.Reused.OS);
            }
            String hostname = value("HOSTNAME");
            if (isSet("BOOT_SAME")) {
                reused.add(AuditParse.Reused.BOOT);
            }
            Long uptime = number("UPTIME_S", "uptime");
            if (uptime != null && uptime < 0) {
                warnings.add("uptime: negative value " + uptime + " ignored");
                uptime = null;
            }
            String role = role();

            int before = warnings.size();
            FileFacts override = facts("OVERRIDE", "override");
            byte[] overrideContent = null;
            OverrideSettings settings = null;
            if (override != null && isSet("OVERRIDE_SAME")) {
                FileFacts k = known == null ? null : known.override();
                if (k != null && k.sha256() != null && k.sha256().equals(override.sha256()) && known.overrideSettings() != null) {
                    settings = known.overrideSettings();
                    reused.add(AuditParse.Reused.OVERRIDE);
                } else {
                    warnings.add("override: the host reported it unchanged, but not from what this audit knew; settings unknown");
                }
            } else if (override != null) {
                overrideContent = content("OVERRIDE", "override", override, true);
                if (override.sha256() == null && overrideContent != null) {
                    warnings.add("override: sha256 not reported by the host; computed from the content");
                    override = withSha(override, dev.fleetroll.util.Sha256.hex(overrideContent));
                }
                if (overrideContent != null) {
                    settings = OverrideFile.parse(decodeText(overrideContent, "override")).settings();
                }
            }
            String overrideStamp = override != null && settings != null && warnings.size() == before
                    ? stamp("OVERRIDE") : null;

            before = warnings.size();
            FileFacts vault = facts("VAULT", "vault");
            byte[] vaultContent = null;
            if (vault != null && isSet("VAULT_SAME")) {
                FileFacts k = known == null ? null : known.vault();
                if (k != null && k.sha256() != null && k.sha256().equals(vault.sha256())) {
                    reused.add(AuditParse.Reused.VAULT);
                } else {
                    warnings.add("vault: the host reported it unchanged, but not from what this audit knew");
                }
            } else if (vault != null) {
                vaultContent = content("VAULT", "vault", vault, false);
            }
            String vaultStamp = vault != null && vault.sha256() != null && warnings.size() == before ? stamp("VAULT") : null;

            before = warnings.size();
            String ppKey = kv.containsKey("PP_JSON_PATH") ? "PP_JSON" : kv.containsKey("PP_SUMMARY_PATH") ? "PP_SUMMARY" : null;
            PuppetRun puppet;
            if (ppKey != null && isSet(ppKey + "_SAME")) {
                AuditMemo km = known == null ? null : known.memo();
                if (known != null && known.puppet() != null && km != null && kv.get(ppKey + "_PATH").equals(km.puppetPath())) {
                    puppet = known.puppet();
                    reused.add(AuditParse.Reused.PUPPET);
                } else {
                    warnings.add("puppet run: the host reported " + kv.get(ppKey + "_PATH")
                            + " unchanged, but not from what this audit knew; run unknown");
                    puppet = null;
                }
            } else {
                puppet = puppet();
            }
            String ppStamp = ppKey != null && puppet != null && warnings.size() == before ? stamp(ppKey) : null;

            Boolean worker = flag("WORKER_RUNNING", "generic-worker check");

            AuditMemo memo = null;
            if (complete && quiet) {
                String shell = kv.get("RESIDENT");
                Long clock = null;
                String c = kv.get("CLOCK_S");
                if (c != null && DIGITS.matcher(c.strip()).matches()) {
                    clock = Long.parseLong(c.strip());
                }
                memo = new AuditMemo(AuditMemo.VERSION, shell == null ? null : shell.strip(), clock, overrideStamp,
                        vaultStamp, ppStamp == null ? null : kv.get(ppKey + "_PATH"), ppStamp);
            }
            Observation o = observation(os, hostname, uptime, role, override, settings, vault, puppet, worker, null, memo);
            return new AuditParse(o, overrideContent, vaultContent, reused);
        }

        private Observation observation(String os, String hostname, Long uptime, String role, FileFacts override,
                                        OverrideSettings settings, FileFacts vault, PuppetRun puppet, Boolean worker,
                                        String error, AuditMemo memo) {
            return new Observation(host, ts, Outcome.OK, error, exitCode, elapsedMs, os, hostname, uptime, role, override,
                    settings, vault, puppet, worker, warnings, memo);
        }

        private boolean isSet(String key) {
            String v = kv.get(key);
            return v != null && v.strip().equals("1");
        }

        /** The {@code PREFIX_STAT} line when it is a full v2 stat line (with inode and ctime), for the memo. */
        private String stamp(String prefix) {
            String st = kv.get(prefix + "_STAT");
            if (st == null) {
                return null;
            }
            String[] f = st.split(" ", -1);
            return f.length == 7 && MODE.matcher(f[0]).matches() && DIGITS.matcher(f[3]).matches()
                    && DIGITS.matcher(f[4]).matches() && DIGITS.matcher(f[5]).matches() && DIGITS.matcher(f[6]).matches()
                    ? st : null;
        }

        /** Reads the KEY=value lines; false when the output is not an audit at all. */
        private boolean readLines(byte[] stdout) {
            String text = new String(stdout, StandardCharsets.UTF_8);
            boolean endsWithNewline = text.endsWith("\n");
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            if (endsWithNewline || text.isEmpty()) {
                lines.remove(lines.size() - 1); // the empty string after the last newline
            }
            int header = -1;
            for (int i = 0; i < lines.size(); i++) {
                String l = stripCr(lines.get(i));
                if (l.startsWith("FLEETROLL_AUDIT ")) {
                    header = i;
                    break;
                }
            }
            if (header < 0) {
                warnings.add(text.isBlank() ? "no audit output"
                        : "output is not a fleetroll audit (no '" + AuditScript.HEADER + "' line; starts with '"
                                + abbreviate(stripCr(lines.isEmpty() ? "" : lines.get(0))) + "')");
                return false;
            }
            if (header > 0) {
                warnings.add("ignored " + header + " line(s) before the audit header (login banner or shell noise?)");
            }
            String version = stripCr(lines.get(header)).substring("FLEETROLL_AUDIT ".length()).strip();
            if (!version.equals(AuditScript.PROTOCOL) && !version.equals("v1")) {
                warnings.add("audit protocol '" + abbreviate(version) + "' is not " + AuditScript.PROTOCOL
                        + "; reading the keys this version knows");
            }
            int last = lines.size() - 1;
            int ignored = 0;
            for (int i = header + 1; i < lines.size(); i++) {
                String l = stripCr(lines.get(i));
                if (complete) {
                    if (!l.isBlank()) {
                        ignored++;
                    }
                    continue;
                }
                if (l.equals(AuditScript.END)) {
                    complete = true;
                    continue;
                }
                if (i == last && !endsWithNewline) {
                    warnings.add("dropped an incomplete last line");
                    continue;
                }
                int eq = l.indexOf('=');
                String key = eq < 0 ? null : l.substring(0, eq);
                if (key == null || !KEY.matcher(key).matches()) {
                    if (!l.isBlank()) {
                        warnings.add("unrecognised output line " + (i + 1) + ": '" + abbreviate(l) + "'");
                    }
                    continue;
                }
                if (kv.put(key, l.substring(eq + 1)) != null) {
                    warnings.add(key + " reported more than once; using the last value");
                }
            }
            if (ignored > 0) {
                warnings.add("ignored " + ignored + " line(s) after END");
            }
            if (!complete) {
                warnings.add("output truncated: no END line (" + kv.size() + " value(s) read); missing facts are unknown");
            }
            return true;
        }

        private void noteStderr(String stderr) {
            if (stderr == null || stderr.isBlank()) {
                return;
            }
            List<String> lines = stderr.lines().filter(l -> !l.isBlank()).toList();
            warnings.add("host stderr: " + abbreviate(lines.get(0).strip())
                    + (lines.size() > 1 ? " (+" + (lines.size() - 1) + " more line(s))" : ""));
        }

        /** The value of {@code key}, or null; when a complete run lacks it, that probe failed on the host. */
        private String value(String key) {
            String v = kv.get(key);
            if (v == null && complete) {
                warnings.add(key + " not reported (that probe failed on the host)");
            }
            return v;
        }

        private Long number(String key, String what) {
            String v = value(key);
            if (v == null) {
                return null;
            }
            String t = v.strip();
            if (!DIGITS.matcher(t).matches()) {
                warnings.add(what + ": not a number: '" + abbreviate(v) + "'");
                return null;
            }
            return Long.parseLong(t);
        }

        private Boolean flag(String key, String what) {
            String v = value(key);
            if (v == null) {
                return null;
            }
            return switch (v.strip()) {
                case "1" -> true;
                case "0" -> false;
                default -> {
                    warnings.add(what + ": expected 0 or 1, got '" + abbreviate(v) + "'");
                    yield null;
                }
            };
        }

        private String role() {
            Boolean present = flag("ROLE_PRESENT", "role");
            if (present == null || !present) {
                return null;
            }
            String r = value("ROLE");
            return r == null ? null : r.strip().replaceAll("\\s+", " ");
        }

        /** Facts of one file: null when absent or when presence is unknown. */
        private FileFacts facts(String prefix, String what) {
            Boolean present = flag(prefix + "_PRESENT", what);
            if (present == null || !present) {
                return null;
            }
            String path = value(prefix + "_PATH");
            String mode = null;
            String owner = null;
            String group = null;
            Long size = null;
            Instant mtime = null;
            String stat = value(prefix + "_STAT");
            if (stat != null) {
                String[] f = stat.strip().split("\\s+");
                // v2: MODE OWNER GROUP SIZE MTIME INODE CTIME; v1: the first five
                boolean v2 = f.length == 7 && DIGITS.matcher(f[5]).matches() && DIGITS.matcher(f[6]).matches();
                if ((f.length == 5 || v2) && MODE.matcher(f[0]).matches() && DIGITS.matcher(f[3]).matches()
                        && DIGITS.matcher(f[4]).matches()) {
                    mode = normaliseMode(f[0]);
                    owner = f[1];
                    group = f[2];
                    size = Long.parseLong(f[3]);
                    mtime = Instant.ofEpochSecond(Long.parseLong(f[4]));
                } else {
                    warnings.add(what + ": unreadable stat line '" + abbreviate(stat) + "'");
                }
            }
            String sha = value(prefix + "_SHA256");
            if (sha != null) {
                String s = sha.strip().toLowerCase(Locale.ROOT);
                if (SHA256.matcher(s).matches()) {
                    sha = s;
                } else {
                    warnings.add(what + ": sha256 is not 64 hex digits: '" + abbreviate(sha) + "'");
                    sha = null;
                }
            }
            return new FileFacts(path, mode, owner, group, size, mtime, sha);
        }

        /**
         * Decoded content of {@code PREFIX_B64}, checked against the host's sha256 and size. Missing content is a
         * warning only when it was expected (the override always is; the vault only when fetched).
         */
        private byte[] content(String prefix, String what, FileFacts facts, boolean expected) {
            String key = prefix + "_B64";
            String b64 = kv.get(key);
            if (b64 == null) {
                if (expected && complete) {
                    warnings.add(what + ": content not reported (unreadable on the host?)");
                }
                return null;
            }
            byte[] bytes = decodeBase64(b64, what + " content");
            if (bytes == null) {
                return null;
            }
            if (facts.sha256() != null) {
                String actual = dev.fleetroll.util.Sha256.hex(bytes);
                if (!actual.equals(facts.sha256())) {
                    warnings.add(what + ": content does not match the host's sha256 (file changed during the audit?): "
                            + "host " + facts.sha256().substring(0, 12) + ", content " + actual.substring(0, 12));
                }
            }
            if (facts.size() != null && facts.size() != bytes.length) {
                warnings.add(what + ": content is " + bytes.length + " bytes, stat said " + facts.size());
            }
            return bytes;
        }

        private PuppetRun puppet() {
            String json = kv.get("PP_JSON_B64");
            if (json != null) {
                byte[] bytes = decodeBase64(json, "puppet metadata");
                return bytes == null ? null : PuppetMetadata.fromJson(bytes, warnings);
            }
            if (kv.containsKey("PP_JSON_PATH") && complete) {
                warnings.add("puppet metadata: " + kv.get("PP_JSON_PATH") + " exists but could not be read");
                return null;
            }
            String summary = kv.get("PP_SUMMARY_B64");
            if (summary != null) {
                byte[] bytes = decodeBase64(summary, "puppet summary");
                return bytes == null ? null : PuppetMetadata.fromSummaryYaml(bytes, warnings);
            }
            if (kv.containsKey("PP_SUMMARY_PATH") && complete) {
                warnings.add("puppet summary: " + kv.get("PP_SUMMARY_PATH") + " exists but could not be read");
            }
            return null;
        }

        private byte[] decodeBase64(String b64, String what) {
            try {
                return Base64.getDecoder().decode(b64.strip());
            } catch (IllegalArgumentException e) {
                warnings.add(what + ": bad base64 (" + e.getMessage() + ")");
                return null;
            }
        }

        private String decodeText(byte[] bytes, String what) {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                warnings.add(what + ": not valid UTF-8; settings read with replacement characters");
                return new String(bytes, StandardCharsets.UTF_8);
            }
        }
    }

    private static FileFacts withSha(FileFacts f, String sha) {
        return new FileFacts(f.path(), f.mode(), f.owner(), f.group(), f.size(), f.mtime(), sha);
    }

    /** {@code 0644} and {@code 644} are the same mode; keep at least three digits ({@code 600}, {@code 4755}). */
    private static String normaliseMode(String mode) {
        String m = mode.replaceFirst("^0+(?=\\d{3})", "");
        return m.length() < 3 ? "0".repeat(3 - m.length()) + m : m;
    }

    private static String stripCr(String l) {
        return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
    }

    private static String abbreviate(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > MAX_WARNING_TEXT ? t.substring(0, MAX_WARNING_TEXT) + "..." : t;
    }
}
