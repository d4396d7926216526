package dev.fleetroll.util;

import java.util.Comparator;

/** Orders names so that embedded numbers compare by value: {@code ms-2} before {@code ms-10}. */
public final class NaturalOrder implements Comparator<String> {
    public static final NaturalOrder INSTANCE = new NaturalOrder();

    private NaturalOrder() {}

    @Override
    public int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (isDigit(ca) && isDigit(cb)) {
                int ei = digitsEnd(a, i);
                int ej = digitsEnd(b, j);
                int c = compareNumbers(a, i, ei, b, j, ej);
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
            } else {
                int c = ca == cb ? 0 : Character.compare(Character.toLowerCase(ca), Character.toLowerCase(cb));
                if (c != 0) {
                    return c;
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }

    /** Compares the digit runs {@code a[ai, ae)} and {@code b[bi, be)} by value, in place (no substrings). */
    private static int compareNumbers(String a, int ai, int ae, String b, int bi, int be) {
        int sa = skipZeros(a, ai, ae);
        int sb = skipZeros(b, bi, be);
        int la = ae - sa;
        int lb = be - sb;
        if (la != lb) {
            return Integer.compare(la, lb);
        }
        for (int k = 0; k < la; k++) {
            int c = Character.compare(a.charAt(sa + k), b.charAt(sb + k));
            if (c != 0) {
                return c;
            }
        }
        // equal values: the shorter spelling (fewer leading zeros) first, so the order is total
        return Integer.compare(ae - ai, be - bi);
    }

    /** The first index of the run's value: leading zeros skipped, but one digit always kept. */
    private static int skipZeros(String s, int from, int end) {
        int k = from;
        while (k < end - 1 && s.charAt(k) == '0') {
            k++;
        }
        return k;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int digitsEnd(String s, int from) {
        int k = from;
        while (k < s.length() && isDigit(s.charAt(k))) {
            k++;
        }
        return k;
    }
}
