package dev.fleetroll.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetroll.UserError;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.util.EditDistance;
import dev.fleetroll.util.JsonTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Named filters: saved queries, one YAML file each, in the established tool's format so its files load unchanged.
 *
 * <pre>
 *   # configs/filters/unhealthy-stale.yaml
 *   query: healthy=n pp_last&gt;20h sort:pp_last:desc
 *   description: Hosts not healthy whose last Puppet run is over 20 hours old
 * </pre>
 *
 * <p>Each {@code *.yaml} file is a mapping with a required non-empty string {@code query} and an optional string
 * {@code description}; the name is the file name without {@code .yaml}. They are read from the project's
 * {@code <project>/configs/filters} (shared, in git) and the operator's {@code $FLEETROLL_HOME/filters} (personal;
 * a personal filter wins over a project one of the same name). The project directory comes from the workspace,
 * never the current directory. A file that cannot be read, is not such a mapping, or whose query does not parse is
 * left out and reported as a {@link Problem}; loading never throws.
 */
public final class NamedFilters {

    private NamedFilters() {}

    /** A filter file that was left out, and why. */
    public record Problem(Path file, String message) {
        @Override
        public String toString() {
            return file + ": " + message;
        }
    }

    /**
     * What loading found: the usable filters sorted by name, and the files left out.
     *
     * @param directories the directories searched, lowest precedence first
     */
    public record Loaded(List<NamedFilter> filters, List<Problem> problems, List<Path> directories) {
        public Loaded {
            filters = List.copyOf(filters);
            problems = List.copyOf(problems);
            directories = List.copyOf(directories);
        }

        /** One line per file left out: {@code FILE: problem}. */
        public List<String> warnings() {
            return problems.stream().map(Problem::toString).toList();
        }

        public Optional<NamedFilter> find(String name) {
            return filters.stream().filter(f -> f.name().equals(name)).findFirst();
        }

        /**
         * The filter called {@code name}, or a {@link UserError}: why its file was left out, else the nearest names
         * and the known ones.
         */
        public NamedFilter require(String name) {
            return find(name).orElseThrow(() -> {
                for (Problem p : problems) {
                    if (nameOf(p.file()).equals(name)) {
                        return new UserError("named filter '" + name + "' cannot be used: " + p
                                + " (fix the file; fleetroll filters --check lists every problem)");
                    }
                }
                List<String> names = filters.stream().map(NamedFilter::name).toList();
                String near = EditDistance.closest(name, names);
                return new UserError("unknown named filter '" + name + "'" + (near == null ? "" : " (did you mean '" + near + "'?)")
                        + (names.isEmpty() ? "; there are none (add NAME.yaml files under " + directories + ")"
                        : "; filters: " + String.join(" ", names)));
            });
        }
    }

    /** The project's and the operator's filters, with the standard columns. */
    public static Loaded load(Workspace ws) {
        return load(directories(ws), Columns.standard());
    }

    /** {@code <project>/configs/filters} (when there is a project), then {@code $FLEETROLL_HOME/filters}. */
    public static List<Path> directories(Workspace ws) {
        List<Path> dirs = new ArrayList<>();
        if (ws.projectDir() != null) {
            dirs.add(ws.projectDir().resolve("configs").resolve("filters"));
        }
        dirs.add(ws.home().dir().resolve("filters"));
        return dirs;
    }

    /**
     * Loads every {@code *.yaml} file of {@code dirs}, lowest precedence first: a later directory's filter replaces
     * an earlier one of the same name. Missing directories are skipped.
     */
    public static Loaded load(List<Path> dirs, Columns columns) {
        TreeMap<String, NamedFilter> byName = new TreeMap<>();
        List<Problem> problems = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
            } catch (IOException e) {
                problems.add(new Problem(dir, "cannot list the directory: " + e.getMessage()));
                continue;
            }
            for (Path f : files) {
                try {
                    NamedFilter nf = read(f, columns);
                    byName.put(nf.name(), nf);
                } catch (UserError e) {
                    problems.add(new Problem(f, e.getMessage()));
                }
            }
        }
        return new Loaded(new ArrayList<>(byName.values()), problems, dirs);
    }

    /** Reads one filter file ({@code host-monitor --filter-file}); a {@link UserError} says what is wrong with it. */
    public static NamedFilter read(Path file, Columns columns) {
        JsonNode tree;
        try {
            tree = JsonTrees.yaml(Files.readAllBytes(file));
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new UserError("not valid YAML: " + m);
        }
        if (tree == null || tree.isMissingNode() || !tree.isObject()) {
            throw new UserError("not a YAML mapping (write 'query: COL OP VALUE ...' and optionally 'description: ...')");
        }
        JsonNode q = tree.get("query");
        if (q == null || q.isNull()) {
            throw new UserError("no 'query' key (write e.g. 'query: healthy=n pp_last>20h')");
        }
        if (!q.isTextual() || q.asText().isBlank()) {
            throw new UserError("'query' must be a non-empty string (quote it if it starts with a special character)");
        }
        JsonNode d = tree.get("description");
        if (d != null && !d.isNull() && !d.isValueNode()) {
            throw new UserError("'description' must be a string");
        }
        String query = q.asText().strip();
        try {
            Query.parse(query, columns);
        } catch (QueryError e) {
            throw new UserError("bad query '" + query + "': " + e.getMessage());
        }
        return new NamedFilter(nameOf(file), query, d == null || d.isNull() ? "" : d.asText().strip(), file);
    }

    private static String nameOf(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".yaml") ? n.substring(0, n.length() - 5) : n;
    }
}
