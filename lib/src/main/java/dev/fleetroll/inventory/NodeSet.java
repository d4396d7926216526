package dev.fleetroll.inventory;

import dev.fleetroll.util.NaturalOrder;
import dev.fleetroll.UserError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * ClusterShell-style node sets.
 *
 * <p>Expansion: {@code t-linux64-ms-[001-040]}, {@code w[1-3,7]}, steps {@code n[2-10/2]}, several bracket groups
 * ({@code dc[1-2]n[1-3]}), and set operators evaluated left to right between terms: {@code ,} union, {@code !}
 * difference, {@code &} intersection, {@code ^} symmetric difference. Zero padding is kept ({@code [01-10]}).
 *
 * <p>Folding is the reverse: a collection of names becomes the shortest readable expression,
 * {@code t-linux64-ms-[001-004,009].test.example}.
 */
public final class NodeSet {
    /** Refuse expressions that expand to absurd sizes (a typo like {@code [1-1000000]}). */
    public static final int MAX_EXPANSION = 200_000;

    private NodeSet() {}

    /** Expands {@code expression} into names in order of first appearance. Names are not validated here. */
    public static List<String> expand(String expression) {
        String expr = expression.trim();
        if (expr.isEmpty()) {
            throw new UserError("empty node set");
        }
        Set<String> result = null;
        char op = ',';
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= expr.length(); i++) {
            char c = i < expr.length() ? expr.charAt(i) : '\0';
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
                if (depth < 0) {
                    throw new UserError("node set '" + expression + "': ']' without '['");
                }
            } else if (depth == 0 && (c == ',' || c == '!' || c == '&' || c == '^' || c == '\0')) {
                String term = expr.substring(start, i).trim();
                if (term.isEmpty()) {
                    throw new UserError("node set '" + expression + "': empty term before '" + (c == '\0' ? "end" : c) + "'");
                }
                Set<String> names = new LinkedHashSet<>(expandTerm(term, expression));
                result = apply(result, op, names);
                op = c;
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw new UserError("node set '" + expression + "': '[' without ']'");
        }
        if (result.size() > MAX_EXPANSION) {
            throw new UserError("node set '" + expression + "' expands to " + result.size() + " names (limit " + MAX_EXPANSION + ")");
        }
        return List.copyOf(result);
    }

    private static Set<String> apply(Set<String> acc, char op, Set<String> term) {
        if (acc == null) {
            return term;
        }
        switch (op) {
            case ',' -> acc.addAll(term);
            case '!' -> acc.removeAll(term);
            case '&' -> acc.retainAll(term);
            case '^' -> {
                Set<String> both = new LinkedHashSet<>(acc);
                both.retainAll(term);
                acc.addAll(term);
                acc.removeAll(both);
            }
            default -> throw new IllegalStateException("operator " + op);
        }
        return acc;
    }

    private static List<String> expandTerm(String term, String whole) {
        int open = term.indexOf('[');
        if (open < 0) {
            if (term.indexOf(']') >= 0) {
                throw new UserError("node set '" + whole + "': ']' without '['");
            }
            return List.of(term);
        }
        int close = term.indexOf(']', open);
        if (close < 0) {
            throw new UserError("node set '" + whole + "': '[' without ']'");
        }
        String prefix = term.substring(0, open);
        List<String> values = expandRanges(term.substring(open + 1, close), whole);
        List<String> rest = expandTerm(term.substring(close + 1), whole);
        if ((long) values.size() * rest.size() > MAX_EXPANSION) {
            throw new UserError("node set '" + whole + "' expands to more than " + MAX_EXPANSION + " names");
        }
        List<String> out = new ArrayList<>(values.size() * rest.size());
        for (String v : values) {
            for (String r : rest) {
                out.add(prefix + v + r);
            }
        }
        return out;
    }

    private static List<String> expandRanges(String ranges, String whole) {
        if (ranges.isBlank()) {
            throw new UserError("node set '" + whole + "': empty brackets []");
        }
        List<String> out = new ArrayList<>();
        for (String part : ranges.split(",", -1)) {
            String r = part.trim();
            int step = 1;
            int slash = r.indexOf('/');
            if (slash >= 0) {
                step = parseNumber(r.substring(slash + 1), whole, "step");
                if (step <= 0) {
                    throw new UserError("node set '" + whole + "': step must be positive in '" + r + "'");
                }
                r = r.substring(0, slash);
            }
            int dash = r.indexOf('-');
            if (dash < 0) {
                if (step != 1) {
                    throw new UserError("node set '" + whole + "': a step needs a range, as in [1-9/2]");
                }
                parseNumber(r, whole, "value");
                out.add(r);
                continue;
            }
            String lo = r.substring(0, dash);
            String hi = r.substring(dash + 1);
            int from = parseNumber(lo, whole, "range start");
            int to = parseNumber(hi, whole, "range end");
            if (to < from) {
                throw new UserError("node set '" + whole + "': range '" + r + "' runs backwards");
            }
            if ((long) to - from > MAX_EXPANSION) {
                throw new UserError("node set '" + whole + "': range '" + r + "' is larger than " + MAX_EXPANSION);
            }
            int width = lo.length() > 1 && lo.startsWith("0") ? lo.length() : 0;
            for (int v = from; v <= to; v += step) {
                out.add(width > 0 ? String.format("%0" + width + "d", v) : Integer.toString(v));
            }
        }
        return out;
    }

    private static int parseNumber(String s, String whole, String what) {
        String t = s.trim();
        if (t.isEmpty() || !t.chars().allMatch(Character::isDigit) || t.length() > 9) {
            throw new UserError("node set '" + whole + "': " + what + " '" + s + "' is not a number");
        }
        return Integer.parseInt(t);
    }

    /** Folds names into a compact expression; names that share no pattern are listed as they are. */
    public static String fold(Collection<String> names) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        TreeSet<String> sorted = new TreeSet<>(NaturalOrder.INSTANCE);
        sorted.addAll(names);
        // group by shape: text parts and the count of numeric parts
        for (String n : sorted) {
            Tokens t = Tokens.of(n);
            shapes.computeIfAbsent(t.shapeKey(), k -> new Shape()).members.add(t);
        }
        List<String> parts = new ArrayList<>();
        for (Shape s : shapes.values()) {
            parts.addAll(s.fold());
        }
        return String.join(",", parts);
    }

    private static final class Shape {
        final List<Tokens> members = new ArrayList<>();

        List<String> fold() {
            if (members.size() == 1 || members.get(0).numbers.isEmpty()) {
                return members.stream().map(Tokens::text).toList();
            }
            // fold on the last numeric position whose value varies; group by everything else
            int nums = members.get(0).numbers.size();
            int pos = -1;
            for (int k = nums - 1; k >= 0 && pos < 0; k--) {
                String first = members.get(0).numbers.get(k);
                for (Tokens t : members) {
                    if (!t.numbers.get(k).equals(first)) {
                        pos = k;
                        break;
                    }
                }
            }
            if (pos < 0) {
                return members.stream().map(Tokens::text).distinct().toList();
            }
            Map<String, List<Tokens>> groups = new LinkedHashMap<>();
            for (Tokens t : members) {
                groups.computeIfAbsent(t.keyWithout(pos), k -> new ArrayList<>()).add(t);
            }
            List<String> out = new ArrayList<>();
            for (List<Tokens> g : groups.values()) {
                if (g.size() == 1) {
                    out.add(g.get(0).text());
                } else {
                    out.add(g.get(0).textWith(pos, "[" + ranges(g, pos) + "]"));
                }
            }
            return out;
        }

        private static String ranges(List<Tokens> g, int pos) {
            List<String> values = g.stream().map(t -> t.numbers.get(pos)).distinct()
                    .sorted(NaturalOrder.INSTANCE).toList();
            List<String> out = new ArrayList<>();
            int i = 0;
            while (i < values.size()) {
                int j = i;
                while (j + 1 < values.size() && next(values.get(j), values.get(j + 1))) {
                    j++;
                }
                out.add(i == j ? values.get(i) : values.get(i) + "-" + values.get(j));
                i = j + 1;
            }
            return String.join(",", out);
        }

        /** b follows a, and a range "a-b" would expand back to exactly these spellings. */
        private static boolean next(String a, String b) {
            if (a.length() > 18 || b.length() > 18 || Long.parseLong(b) != Long.parseLong(a) + 1) {
                return false;
            }
            return a.length() == b.length() || (!padded(a) && !padded(b));
        }

        private static boolean padded(String n) {
            return n.length() > 1 && n.startsWith("0");
        }
    }

    /** A name split into text and numeric runs; the width of zero-padded numbers is part of the shape. */
    private record Tokens(List<String> texts, List<String> numbers) {
        static Tokens of(String name) {
            List<String> texts = new ArrayList<>();
            List<String> numbers = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            boolean digits = false;
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                boolean d = c >= '0' && c <= '9';
                if (d != digits) {
                    (digits ? numbers : texts).add(cur.toString());
                    cur.setLength(0);
                    digits = d;
                }
                cur.append(c);
            }
            (digits ? numbers : texts).add(cur.toString());
            if (digits) {
                texts.add("");
            }
            return new Tokens(texts, numbers);
        }

        String shapeKey() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < texts.size(); i++) {
                b.append(texts.get(i)).append('\u0000');
                if (i < numbers.size()) {
                    b.append('#').append('\u0000');
                }
            }
            return b.toString();
        }

        String keyWithout(int pos) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < numbers.size(); i++) {
                b.append(i == pos ? "*" : numbers.get(i)).append('\u0000');
            }
            return b.toString();
        }

        String textWith(int pos, String replacement) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < texts.size(); i++) {
                b.append(texts.get(i));
                if (i < numbers.size()) {
                    b.append(i == pos ? replacement : numbers.get(i));
                }
            }
            return b.toString();
        }

        String text() {
            return textWith(-1, "");
        }
    }
}
