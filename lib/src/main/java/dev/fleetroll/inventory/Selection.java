package dev.fleetroll.inventory;

import dev.fleetroll.UserError;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

/**
 * Pure helpers for choosing hosts: batches for staged work and random canaries. Shared by the DSL and rollouts,
 * so "20%" means the same thing everywhere.
 */
public final class Selection {
    private Selection() {}

    /**
     * The batch size that {@code spec} asks for out of {@code total} hosts. A count ({@code 5}) is taken as is; a
     * percentage ({@code "20%"}) is that share of {@code total} rounded down, but at least 1 (Ansible's
     * {@code serial} rule).
     */
    public static int batchSize(Object spec, int total) {
        if (spec instanceof Number n) {
            return count(n.longValue(), n.toString());
        }
        String s = String.valueOf(spec).strip();
        if (s.endsWith("%")) {
            double pct;
            try {
                pct = Double.parseDouble(s.substring(0, s.length() - 1).strip());
            } catch (NumberFormatException e) {
                throw new UserError("batch size '" + s + "' is not a percentage (use e.g. 20%)");
            }
            if (!(pct > 0 && pct <= 100)) {
                throw new UserError("batch size '" + s + "' must be more than 0% and at most 100%");
            }
            return Math.max(1, (int) Math.floor(total * pct / 100.0 + 1e-9));
        }
        try {
            return count(Long.parseLong(s), s);
        } catch (NumberFormatException e) {
            throw new UserError("batch size '" + s + "' is neither a count nor a percentage (use e.g. 5 or 20%)");
        }
    }

    private static int count(long n, String text) {
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new UserError("batch size " + text + " must be at least 1");
        }
        return (int) n;
    }

    /** Splits {@code items} into consecutive batches of {@code size} (the last may be smaller). */
    public static <T> List<List<T>> batches(List<T> items, int size) {
        if (size < 1) {
            throw new UserError("batch size must be at least 1");
        }
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            out.add(List.copyOf(items.subList(i, Math.min(items.size(), i + size))));
        }
        return out;
    }

    /** Splits {@code items} into batches of the size {@code spec} asks for (a count or a percentage). */
    public static <T> List<List<T>> batches(List<T> items, Object spec) {
        return batches(items, batchSize(spec, items.size()));
    }

    /**
     * {@code n} items chosen at random (all of them when {@code n >= size}), in their original order so the result
     * reads like the input. The same {@code random} seed gives the same choice.
     */
    public static <T> List<T> pick(List<T> items, int n, Random random) {
        if (n < 0) {
            throw new UserError("pick(" + n + "): the count must not be negative");
        }
        if (n >= items.size()) {
            return List.copyOf(items);
        }
        // partial Fisher-Yates over indexes, then restore input order
        int[] idx = new int[items.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        BitSet chosen = new BitSet(items.size());
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(idx.length - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            chosen.set(idx[i]);
        }
        List<T> out = new ArrayList<>(n);
        for (int i = chosen.nextSetBit(0); i >= 0; i = chosen.nextSetBit(i + 1)) {
            out.add(items.get(i));
        }
        return out;
    }
}
