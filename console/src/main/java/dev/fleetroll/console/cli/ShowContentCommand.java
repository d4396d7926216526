package dev.fleetroll.console.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fleetroll.inventory.NodeSet;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.ShowContent;
import dev.fleetroll.remote.ManagedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code show-override SHA_PREFIX|HUMANHASH} and {@code show-vault SHA_PREFIX|HUMANHASH}: a stored file from the
 * local content store, over {@link ShowContent}. An override prints its content exactly as stored (so it can be
 * redirected to a file); a vault prints only its sha256, humanhash, size, stored path and the hosts that have it,
 * and its content only with {@code --reveal}.
 */
final class ShowContentCommand implements Command {
    private final ManagedFile kind;

    ShowContentCommand(ManagedFile kind) {
        this.kind = kind;
    }

    private boolean vault() {
        return kind == ManagedFile.VAULT;
    }

    @Override
    public String name() {
        return vault() ? "show-vault" : "show-override";
    }

    @Override
    public String summary() {
        return vault() ? "describe a stored vault.yaml by sha256 prefix or humanhash (content only with --reveal)"
                : "print a stored override by sha256 prefix or humanhash";
    }

    @Override
    public String arguments() {
        return "SHA_PREFIX|HUMANHASH";
    }

    @Override
    public String description() {
        String what = vault() ? """
                Looks the vault up in $FLEETROLL_HOME/vault_yamls (kept when pushed with host-set-vault or audited
                with gather-host --fetch-vault) and prints its sha256, humanhash, size, stored path and the hosts
                whose last good audit reported it. The content is a secret: it is printed only with --reveal."""
                : """
                Looks the override up in $FLEETROLL_HOME/overrides (kept when audited with gather-host or pushed
                with host-set-override) and prints its content exactly as stored, so it can be saved to a file and
                pushed again. --info prints its sha256, humanhash, size, stored path and the hosts whose last good
                audit reported it instead.""";
        return what + """


                A prefix that matches several stored files lists them (sha256, humanhash, size) and exits 2; so
                does a humanhash shared by several files. Nothing matching: one line, exit 2.

                Examples:
                  fleetroll %1$s 3a7bd3e2
                  fleetroll %1$s colorado-floor%2$s
                """.formatted(name(), vault() ? " --reveal > vault.yaml" : " > x.override");
    }

    @Override
    public Options options() {
        Options o = new Options();
        if (vault()) {
            o.addOption(Option.builder().longOpt("reveal").desc("print the vault's content (a secret)").get());
        } else {
            o.addOption(Option.builder().longOpt("info").desc("describe the override instead of printing it").get());
        }
        o.addOption(Option.builder().longOpt("json").desc("print one JSON object (content only for overrides, or with --reveal)").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) throws IOException {
        List<String> args = line.getArgList();
        if (args.size() != 1) {
            throw new UsageError(name() + ": give one SHA_PREFIX or HUMANHASH (see 'fleetroll " + name() + " --help')");
        }
        boolean json = line.hasOption("json");
        boolean content = vault() ? line.hasOption("reveal") : !line.hasOption("info");
        try (DefaultFleet fleet = DefaultFleet.open(ctx.workspace())) {
            ShowContent show = ShowContent.of(fleet, kind);
            ShowContent.Lookup lookup = show.find(args.get(0));
            if (lookup.ambiguous()) {
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("kind", kind.label());
                    m.put("query", lookup.query());
                    m.put("ambiguous", true);
                    List<Map<String, Object>> candidates = new ArrayList<>();
                    lookup.matches().forEach(x -> candidates.add(describe(x, null)));
                    m.put("candidates", candidates);
                    print(ctx, m);
                } else {
                    ctx.err().println("fleetroll: '" + lookup.query() + "' matches " + lookup.matches().size() + " stored "
                            + kind.label() + "s; give more of the sha256:");
                    for (ShowContent.Match x : lookup.matches()) {
                        ctx.err().printf(Locale.ROOT, "  %s  %-24s %7d bytes%s%n", x.sha256().substring(0, 12), x.humanhash(),
                                x.entry().size(), x.hosts().isEmpty() ? "" : "  on " + NodeSet.fold(x.hosts()));
                    }
                }
                return Cli.USAGE;
            }
            ShowContent.Match match = lookup.match();
            byte[] bytes = content ? show.content(match) : null;
            if (json) {
                print(ctx, describe(match, bytes));
            } else if (bytes != null) {
                ctx.out().write(bytes);
                ctx.out().flush();
            } else {
                ctx.out().print(info(match));
                if (vault()) {
                    ctx.out().println("content:   not shown (vault); add --reveal to print it");
                }
            }
            return Cli.OK;
        }
    }

    String info(ShowContent.Match m) {
        return String.format(Locale.ROOT, "sha256:    %s%nhumanhash: %s%nsize:      %d bytes%npath:      %s%nhosts:     %s%n",
                m.sha256(), m.humanhash(), m.entry().size(), m.entry().path(),
                m.hosts().isEmpty() ? "none at their last good audit"
                        : m.hosts().size() + " at their last good audit: " + NodeSet.fold(m.hosts()));
    }

    private Map<String, Object> describe(ShowContent.Match m, byte[] bytes) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("kind", kind.label());
        x.put("sha256", m.sha256());
        x.put("humanhash", m.humanhash());
        x.put("size", m.entry().size());
        x.put("path", m.entry().path().toString());
        x.put("hosts", m.hosts());
        if (bytes != null) {
            x.put("content", new String(bytes, StandardCharsets.UTF_8));
        }
        return x;
    }

    private static void print(CliContext ctx, Map<String, Object> m) throws IOException {
        ctx.out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
    }
}
