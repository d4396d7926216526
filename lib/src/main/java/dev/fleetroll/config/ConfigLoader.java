package dev.fleetroll.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetroll.UserError;
import dev.fleetroll.util.JsonTrees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads {@link FleetrollConfig} from layered YAML: built-in defaults, then {@code <project>/configs/fleetroll.yaml},
 * then {@code $FLEETROLL_HOME/config.yaml}, then {@code $FLEETROLL_HOME/config.d/*.yaml} in name order.
 * Maps merge key by key; scalars and lists from a later layer replace earlier ones.
 * An unknown key or a bad value is a {@link UserError} naming the file and the key.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** The layer files that exist, in the order they are applied (the built-in defaults are not listed). */
    public static List<Path> layers(FleetrollHome home, Path projectDir) {
        List<Path> files = new ArrayList<>();
        if (projectDir != null) {
            files.add(projectDir.resolve("configs").resolve("fleetroll.yaml"));
        }
        files.add(home.configFile());
        Path dropIns = home.configDropIns();
        if (Files.isDirectory(dropIns)) {
            try (Stream<Path> s = Files.list(dropIns)) {
                s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UserError("cannot read " + dropIns + ": " + e.getMessage());
            }
        }
        return files.stream().filter(Files::isRegularFile).toList();
    }

    public static FleetrollConfig load(FleetrollHome home, Path projectDir) {
        ObjectNode merged = defaults();
        for (Path layer : layers(home, projectDir)) {
            JsonNode tree = readTree(layer);
            check(tree, layer);
            merge(merged, tree);
        }
        return bind(merged, "the merged configuration");
    }

    /**
     * The built-in defaults alone ({@code defaults.yaml}), with no layer applied: for what must not depend on an
     * operator's files, such as the pools the sandbox's Taskcluster stand-in puts its hosts in.
     */
    public static FleetrollConfig builtIn() {
        return bind(defaults(), "the built-in defaults");
    }

    /** The built-in defaults, parsed once per process; callers get a copy they may merge into. */
    static ObjectNode defaults() {
        return DEFAULTS.deepCopy();
    }

    private static final ObjectNode DEFAULTS = parseDefaults();

    private static ObjectNode parseDefaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("defaults.yaml")) {
            return (ObjectNode) JsonTrees.yaml(in);
        } catch (IOException e) {
            throw new IllegalStateException("built-in defaults.yaml unreadable", e);
        }
    }

    private static JsonNode readTree(Path file) {
        byte[] text;
        try {
            text = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("cannot read config " + file + ": " + oneLine(e.getMessage()));
        }
        try {
            JsonNode tree = JsonTrees.yaml(text);
            if (tree.isMissingNode() || tree.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!tree.isObject()) {
                throw new UserError("config " + file + ": the top level must be a mapping of sections (inventory:, ssh:, ...)");
            }
            return tree;
        } catch (IOException e) {
            throw new UserError("config " + file + " is not valid YAML: " + oneLine(e.getMessage()));
        }
    }

    /** Binds the layer on top of the defaults alone, so an unknown key or bad value is blamed on its file. */
    private static void check(JsonNode layer, Path file) {
        ObjectNode probe = defaults();
        merge(probe, layer);
        bind(probe, "config " + file);
    }

    private static FleetrollConfig bind(ObjectNode tree, String where) {
        try {
            return ConfigBinder.bind(tree, FleetrollConfig.class);
        } catch (IllegalArgumentException e) {
            throw new UserError(where + ": " + oneLine(e.getMessage()));
        }
    }

    static void merge(ObjectNode target, JsonNode source) {
        Iterator<Map.Entry<String, JsonNode>> it = source.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = target.get(e.getKey());
            if (existing instanceof ObjectNode o && e.getValue().isObject()) {
                merge(o, e.getValue());
            } else {
                target.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
