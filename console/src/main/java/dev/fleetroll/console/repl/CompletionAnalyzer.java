package dev.fleetroll.console.repl;

import dev.fleetroll.console.dsl.DslHelp;
import dev.fleetroll.console.dsl.FleetScript;
import dev.fleetroll.console.dsl.HostSet;
import dev.fleetroll.console.dsl.Results;
import dev.fleetroll.console.repl.SourceScan.Kind;
import dev.fleetroll.console.repl.SourceScan.Token;
import dev.fleetroll.state.Column;
import dev.fleetroll.state.Columns;
import dev.fleetroll.state.HostState;
import java.beans.Introspector;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides what TAB offers, from the text before the cursor and static facts only: the DSL's types (by reflection),
 * the classes of values already in the session's variables, host-list names and stored host names. It never
 * evaluates the line: {@code hosts('linux/1804').au<TAB>} knows {@code hosts(...)} returns a {@link HostSet}
 * from its declared return type, without calling it.
 */
public final class CompletionAnalyzer {
    /** What completion may look at. Implementations must not run user code or touch the network. */
    public interface Environment {
        /** Session variables and the class of their current values. */
        Map<String, Class<?>> variables();

        List<String> hostListNames();

        /** Host names known without the network (the store, host lists). */
        List<String> hostNames();

        Path workingDirectory();

        /** Names of the named filters (local files), for {@code filter('}. */
        default List<String> filterNames() {
            return List.of();
        }
    }

    /** One candidate: the text to insert, a description, a group heading, and whether a space follows. */
    public record Suggestion(String value, String description, String group, boolean complete) {}

    /** The word being completed (replaced by a chosen suggestion) and the suggestions. */
    public record Analysis(String word, List<Suggestion> suggestions) {
        static Analysis none(String word) {
            return new Analysis(word, List.of());
        }
    }

    /** Verbs whose closure argument runs with a {@link HostState} delegate. */
    static final Set<String> STATE_CLOSURES = Set.of("where", "each", "collect", "groupBy", "sort", "waitFor");

    private static final Set<String> HIDDEN = Set.of("getMetaClass", "setMetaClass", "invokeMethod", "getProperty",
            "setProperty", "equals", "hashCode", "toString", "getClass", "notify", "notifyAll", "wait", "iterator",
            "spliterator", "forEach", "getAt", "asBoolean", "attach", "fleetrollSession", "run", "getBinding",
            "setBinding", "evaluate", "println", "print", "printf", "main", "osLetter", "audited");

    private final Environment env;

    public CompletionAnalyzer(Environment env) {
        this.env = env;
    }

    public Analysis analyze(String before) {
        String trimmed = before.stripLeading();
        if (trimmed.startsWith(":") && !trimmed.contains("\n")) {
            return command(trimmed);
        }
        SourceScan scan = SourceScan.of(before);
        if (scan.inComment) {
            return Analysis.none("");
        }
        if (scan.openString != null) {
            return inString(scan);
        }
        List<Token> toks = scan.tokens;
        String word = "";
        int end = toks.size();
        if (end > 0) {
            Token last = toks.get(end - 1);
            if (last.kind() == Kind.IDENT && last.start() + last.text().length() == before.length()) {
                word = last.text();
                end--;
            } else if (!before.isEmpty() && Character.isJavaIdentifierPart(before.charAt(before.length() - 1))) {
                return Analysis.none(""); // after a number or other token: nothing sensible
            }
        }
        Type stateClosure = delegateAt(scan, end);
        if (end > 0 && toks.get(end - 1).kind() == Kind.DOT) {
            Type receiver = resolve(scan, end - 1, stateClosure);
            return receiver == null ? Analysis.none(word) : new Analysis(word, filter(members(receiver), word));
        }
        List<Suggestion> out = new ArrayList<>();
        if (stateClosure != null) {
            out.addAll(members(HostState.class));
        }
        for (DslHelp.Entry e : DslHelp.entries(DslHelp.Kind.VERB)) {
            out.add(new Suggestion(callText(FleetScript.class, e.name()), e.summary(), "verbs", false));
        }
        for (Map.Entry<String, Class<?>> v : env.variables().entrySet()) {
            Class<?> type = v.getValue();
            out.add(new Suggestion(v.getKey(), type == null ? "null" : type.getSimpleName(), "variables", false));
        }
        return new Analysis(word, filter(dedupe(out), word));
    }

    // ---- REPL commands ----

    private Analysis command(String text) {
        int space = text.indexOf(' ');
        if (space < 0) {
            List<Suggestion> out = new ArrayList<>();
            for (ReplCommand c : ReplCommand.values()) {
                out.add(new Suggestion(c.commandName(), c.summary(), "commands", true));
            }
            return new Analysis(text, filter(out, text));
        }
        ReplCommand.Argument argument = ReplCommand.find(text.substring(0, space)).map(ReplCommand::argument)
                .orElse(ReplCommand.Argument.NONE);
        String arg = text.substring(text.lastIndexOf(' ') + 1);
        return switch (argument) {
            case FILE -> new Analysis(arg, paths(arg));
            case TOPIC -> {
                List<Suggestion> out = new ArrayList<>();
                for (DslHelp.Kind k : List.of(DslHelp.Kind.VERB, DslHelp.Kind.HOSTSET, DslHelp.Kind.RESULTS, DslHelp.Kind.STATE)) {
                    for (DslHelp.Entry e : DslHelp.entries(k)) {
                        out.add(new Suggestion(e.name(), e.summary(), k.name().toLowerCase(java.util.Locale.ROOT), true));
                    }
                }
                yield new Analysis(arg, filter(dedupe(out), arg));
            }
            case NONE, COUNT -> Analysis.none(arg);
        };
    }

    // ---- inside a string literal ----

    private Analysis inString(SourceScan scan) {
        String content = scan.openString;
        int open = scan.innermostOpen(scan.tokens.size());
        if (open < 1 || scan.tokens.get(open).kind() != Kind.LPAREN || scan.tokens.get(open - 1).kind() != Kind.IDENT) {
            return Analysis.none(content);
        }
        String call = scan.tokens.get(open - 1).text();
        return switch (call) {
            case "hosts" -> {
                String word = content.substring(Math.max(content.lastIndexOf(','), Math.max(content.lastIndexOf('!'),
                        Math.max(content.lastIndexOf('&'), content.lastIndexOf('^')))) + 1);
                if (word.contains("[")) {
                    yield Analysis.none(word);
                }
                List<Suggestion> out = new ArrayList<>();
                for (String l : env.hostListNames()) {
                    out.add(new Suggestion(l, "host list", "host lists", false));
                }
                for (String h : env.hostNames()) {
                    out.add(new Suggestion(h, "host", "hosts", false));
                }
                yield new Analysis(word, filter(dedupe(out), word));
            }
            case "file" -> new Analysis(content, paths(content));
            case "where", "query" -> {
                int cut = Math.max(content.lastIndexOf(' '), content.lastIndexOf('(')) + 1;
                String word = content.substring(cut);
                if (word.regionMatches(true, 0, "sort:", 0, 5)) {
                    yield sortColumns(word, Math.max(word.lastIndexOf(','), 4) + 1);
                }
                if (word.chars().anyMatch(c -> "=!<>~".indexOf(c) >= 0)) {
                    yield Analysis.none(word);
                }
                List<Suggestion> out = columnSuggestions("");
                out.add(new Suggestion("sort:", "sort:COL[:asc|desc][,COL...]", "query", false));
                out.addAll(queryKeywords(content.substring(0, cut)));
                yield new Analysis(word, filter(out, word));
            }
            case "filter" -> {
                List<Suggestion> out = new ArrayList<>();
                for (String f : env.filterNames()) {
                    out.add(new Suggestion(f, "named filter", "filters", false));
                }
                yield new Analysis(content, filter(out, content));
            }
            case "sort" -> sortColumns(content, Math.max(content.lastIndexOf(','), content.lastIndexOf(' ')) + 1);
            case "show" -> {
                int cut = Math.max(content.lastIndexOf(','), content.lastIndexOf(' ')) + 1;
                String word = content.substring(cut);
                yield new Analysis(word, filter(columnSuggestions(""), word));
            }
            default -> Analysis.none(content);
        };
    }

    /** {@code not} anywhere a condition may start; {@code and}/{@code or} too once a condition is complete. */
    private static List<Suggestion> queryKeywords(String before) {
        String prev = before.stripTrailing();
        String last = prev.substring(Math.max(prev.lastIndexOf(' '), prev.lastIndexOf('(')) + 1).toLowerCase(java.util.Locale.ROOT);
        boolean afterCondition = !prev.isEmpty() && !prev.endsWith("(")
                && !last.equals("and") && !last.equals("or") && !last.equals("not");
        List<Suggestion> out = new ArrayList<>();
        if (afterCondition) {
            out.add(new Suggestion("and", "both conditions must hold (also: side by side)", "keywords", true));
            out.add(new Suggestion("or", "either condition holds", "keywords", true));
        }
        out.add(new Suggestion("not", "the next condition must not hold", "keywords", true));
        return out;
    }

    private Analysis sortColumns(String text, int cut) {
        String word = text.substring(cut);
        if (word.contains(":")) {
            return new Analysis(word, filter(List.of(
                    new Suggestion(word.substring(0, word.indexOf(':') + 1) + "asc", "ascending", "direction", false),
                    new Suggestion(word.substring(0, word.indexOf(':') + 1) + "desc", "descending", "direction", false)), word));
        }
        return new Analysis(word, filter(columnSuggestions(""), word));
    }

    private static List<Suggestion> columnSuggestions(String prefix) {
        List<Suggestion> out = new ArrayList<>();
        for (Column c : Columns.standard().all()) {
            out.add(new Suggestion(prefix + c.name(), c.description(), "columns", false));
        }
        return out;
    }

    private List<Suggestion> paths(String typed) {
        int slash = typed.lastIndexOf('/');
        String dirPart = slash >= 0 ? typed.substring(0, slash + 1) : "";
        String prefix = typed.substring(slash + 1);
        Path dir;
        if (dirPart.startsWith("/")) {
            dir = Path.of(dirPart);
        } else if (dirPart.startsWith("~/")) {
            dir = Path.of(System.getProperty("user.home"), dirPart.substring(2));
        } else {
            dir = env.workingDirectory().resolve(dirPart);
        }
        List<Suggestion> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && !prefix.startsWith(".")) {
                    continue;
                }
                boolean isDir = Files.isDirectory(p);
                out.add(new Suggestion(dirPart + name + (isDir ? "/" : ""), isDir ? "directory" : "file",
                        "files", false));
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        out.sort(java.util.Comparator.comparing(Suggestion::value));
        return filter(out, typed);
    }

    // ---- types ----

    /** The @DelegatesTo type of the innermost enclosing closure of a state verb, else null. */
    private Type delegateAt(SourceScan scan, int end) {
        int idx = scan.innermostOpen(end);
        while (idx >= 0) {
            if (scan.tokens.get(idx).kind() == Kind.LBRACE) {
                int before = idx - 1;
                if (before >= 0 && scan.tokens.get(before).kind() == Kind.RPAREN) {
                    before = scan.matchingOpen(before) - 1;
                }
                if (before >= 0 && scan.tokens.get(before).kind() == Kind.IDENT
                        && STATE_CLOSURES.contains(scan.tokens.get(before).text())) {
                    return HostState.class;
                }
            }
            idx = scan.innermostOpen(idx);
        }
        return null;
    }

    /** Names a closure at {@code braceIdx} declares ({@code { h -> }}). */
    private static List<String> closureParams(SourceScan scan, int braceIdx) {
        List<String> names = new ArrayList<>();
        for (int i = braceIdx + 1; i < scan.tokens.size(); i++) {
            Token t = scan.tokens.get(i);
            if (t.kind() == Kind.ARROW) {
                return names;
            }
            if (t.kind() == Kind.IDENT) {
                names.add(t.text());
            } else if (t.kind() != Kind.COMMA) {
                break;
            }
        }
        return List.of();
    }

    private record Segment(String name, boolean call, boolean index) {}

    /** The static type of the expression ending just before token {@code dotIdx}, or null when unknown. */
    private Type resolve(SourceScan scan, int dotIdx, Type stateClosure) {
        List<Segment> segs = new ArrayList<>();
        int i = dotIdx - 1;
        while (i >= 0) {
            boolean call = false;
            boolean index = false;
            while (i >= 0 && SourceScan.isCloser(scan.tokens.get(i).kind())) {
                Kind k = scan.tokens.get(i).kind();
                if (k == Kind.RBRACK) {
                    index = true;
                } else {
                    call = true;
                }
                i = scan.matchingOpen(i) - 1;
                if (i < -1) {
                    return null;
                }
            }
            if (i < 0) {
                return null;
            }
            Token t = scan.tokens.get(i);
            if (t.kind() == Kind.STRING && segs.isEmpty() && !call) {
                return String.class;
            }
            if (t.kind() != Kind.IDENT) {
                return null;
            }
            segs.add(0, new Segment(t.text(), call, index));
            i--;
            if (i >= 0 && scan.tokens.get(i).kind() == Kind.DOT) {
                i--;
            } else {
                break;
            }
        }
        if (segs.isEmpty()) {
            return null;
        }
        Segment first = segs.get(0);
        Type cur;
        if (first.call()) {
            cur = returnType(FleetScript.class, first.name());
        } else if (stateClosure != null && (first.name().equals("it") || isClosureParam(scan, dotIdx, first.name()))) {
            cur = HostState.class;
        } else if (env.variables().containsKey(first.name())) {
            cur = env.variables().get(first.name());
        } else if (stateClosure != null) {
            cur = propertyType(HostState.class, first.name());
        } else {
            cur = null;
        }
        if (cur != null && first.index()) {
            cur = elementType(cur);
        }
        for (int s = 1; s < segs.size() && cur != null; s++) {
            Segment seg = segs.get(s);
            cur = seg.call() ? returnType(raw(cur), seg.name()) : propertyType(raw(cur), seg.name());
            if (cur != null && seg.index()) {
                cur = elementType(cur);
            }
        }
        return cur;
    }

    private boolean isClosureParam(SourceScan scan, int end, String name) {
        int idx = scan.innermostOpen(end);
        while (idx >= 0) {
            if (scan.tokens.get(idx).kind() == Kind.LBRACE && closureParams(scan, idx).contains(name)) {
                return true;
            }
            idx = scan.innermostOpen(idx);
        }
        return false;
    }

    static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return Object.class;
    }

    private static Type returnType(Class<?> type, String method) {
        if (type == null) {
            return null;
        }
        for (Method m : type.getMethods()) {
            if (m.getName().equals(method) && m.getReturnType() != void.class) {
                return m.getGenericReturnType();
            }
        }
        return null;
    }

    private static Type propertyType(Class<?> type, String name) {
        if (type == null || name.isEmpty()) {
            return null;
        }
        if (type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) {
                if (c.getName().equals(name)) {
                    return c.getGenericType();
                }
            }
        }
        String cap = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (String getter : List.of("get" + cap, "is" + cap)) {
            try {
                Method m = type.getMethod(getter);
                return m.getGenericReturnType();
            } catch (NoSuchMethodException ignored) {
                // try the next form
            }
        }
        return null;
    }

    private static Type elementType(Type t) {
        Class<?> c = raw(t);
        if (t instanceof ParameterizedType p && Collection.class.isAssignableFrom(c)) {
            return p.getActualTypeArguments()[0];
        }
        try {
            return c.getMethod("getAt", int.class).getGenericReturnType();
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** Members of a type for completion after a dot: methods and properties, with descriptions for DSL types. */
    static List<Suggestion> members(Type t) {
        Class<?> type = raw(t);
        DslHelp.Kind kind = HostSet.class.equals(type) ? DslHelp.Kind.HOSTSET
                : Results.class.isAssignableFrom(type) ? DslHelp.Kind.RESULTS
                : HostState.class.equals(type) ? DslHelp.Kind.STATE : null;
        Map<String, Suggestion> out = new LinkedHashMap<>();
        String group = type.getSimpleName();
        if (type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) {
                out.put(c.getName(), new Suggestion(c.getName(), describe(kind, c.getName(), c.getType()), group, false));
            }
        }
        List<Method> methods = new ArrayList<>(List.of(type.getMethods()));
        methods.sort(java.util.Comparator.comparing(Method::getName));
        for (Method m : methods) {
            String n = m.getName();
            if (Modifier.isStatic(m.getModifiers()) || m.isSynthetic() || m.isBridge() || HIDDEN.contains(n)
                    || m.getDeclaringClass() == Object.class || out.containsKey(n)) {
                continue;
            }
            if (type.isRecord() && m.getParameterCount() == 0 && out.containsKey(n)) {
                continue;
            }
            String prop = property(m);
            if (prop != null) {
                out.putIfAbsent(prop, new Suggestion(prop, describe(kind, prop, m.getReturnType()), group, false));
            } else {
                out.putIfAbsent(n, new Suggestion(callText(type, n), describe(kind, n, m.getReturnType()), group, false));
            }
        }
        return new ArrayList<>(out.values());
    }

    private static String property(Method m) {
        String n = m.getName();
        if (m.getParameterCount() != 0) {
            return null;
        }
        if (n.startsWith("get") && n.length() > 3 && Character.isUpperCase(n.charAt(3))) {
            return Introspector.decapitalize(n.substring(3));
        }
        if (n.startsWith("is") && n.length() > 2 && Character.isUpperCase(n.charAt(2)) && !n.equals("isEmpty")
                && (m.getReturnType() == boolean.class || m.getReturnType() == Boolean.class)) {
            return Introspector.decapitalize(n.substring(2));
        }
        return null;
    }

    private static String describe(DslHelp.Kind kind, String name, Class<?> returns) {
        String d = kind == null ? null : DslHelp.summary(kind, name);
        return d != null ? d : returns.getSimpleName();
    }

    /** {@code name()} when the method can be called without arguments, else {@code name}. */
    static String callText(Class<?> type, String name) {
        boolean any = false;
        boolean noArgs = false;
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name)) {
                any = true;
                noArgs |= m.getParameterCount() == 0;
            }
        }
        if (!any) {
            return name; // a property such as args or dryRun
        }
        if (type == FleetScript.class && property(methodOrNull(type, name)) != null) {
            return name;
        }
        return noArgs ? name + "()" : name;
    }

    private static Method methodOrNull(Class<?> type, String name) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 0) {
                return m;
            }
        }
        return type.getMethods()[0];
    }

    private static List<Suggestion> filter(List<Suggestion> all, String word) {
        return all.stream().filter(s -> s.value().startsWith(word)).toList();
    }

    private static List<Suggestion> dedupe(List<Suggestion> all) {
        Map<String, Suggestion> m = new LinkedHashMap<>();
        for (Suggestion s : all) {
            m.putIfAbsent(s.value(), s);
        }
        return new ArrayList<>(m.values());
    }
}
