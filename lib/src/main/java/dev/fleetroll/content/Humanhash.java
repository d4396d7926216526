package dev.fleetroll.content;

import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Human-readable names for digests: the zacharyvoase/humanhash algorithm with its standard 256-word list, so names
 * match what the older Python tooling shows ({@code colorado-floor} for sha256 of {@code "hello\n"}).
 *
 * <p>The digest's bytes are split into {@code words} equal segments (the remainder joins the last one), each
 * segment is XOR-folded into one byte, and each byte picks a word. fleetroll uses two words of a sha256.
 */
public final class Humanhash {
    /** Number of words fleetroll uses everywhere. */
    public static final int WORDS = 2;

    /** The upstream DEFAULT_WORDLIST, in order: index = byte value. */
    static final List<String> WORDLIST = List.of("""
            ack alabama alanine alaska alpha angel apart april arizona arkansas artist asparagus aspen august
            autumn avocado bacon bakerloo batman beer berlin beryllium black blossom blue bluebird bravo
            bulldog burger butter california carbon cardinal carolina carpet cat ceiling charlie chicken coffee
            cola cold colorado comet connecticut crazy cup dakota december delaware delta diet don double early
            earth east echo edward eight eighteen eleven emma enemy equal failed fanta fifteen fillet finch
            fish five fix floor florida football four fourteen foxtrot freddie friend fruit gee georgia glucose
            golf green grey hamper happy harry hawaii helium high hot hotel hydrogen idaho illinois india
            indigo ink iowa island item jersey jig johnny juliet july jupiter kansas kentucky kilo king kitten
            lactose lake lamp lemon leopard lima lion lithium london louisiana low magazine magnesium maine
            mango march mars maryland massachusetts may mexico michigan mike minnesota mirror mississippi
            missouri mobile mockingbird monkey montana moon mountain muppet music nebraska neptune network
            nevada nine nineteen nitrogen north november nuts october ohio oklahoma one orange oranges oregon
            oscar oven oxygen papa paris pasta pennsylvania pip pizza pluto potato princess purple quebec queen
            quiet red river robert robin romeo rugby sad salami saturn september seven seventeen shade sierra
            single sink six sixteen skylark snake social sodium solar south spaghetti speaker spring stairway
            steak stream summer sweet table tango ten tennessee tennis texas thirteen three timing triple
            twelve twenty two uncle undress uniform uranus utah vegan venus vermont victor video violet
            virginia washington west whiskey white william winner winter wisconsin wolfram wyoming xray yankee
            yellow zebra zulu
            """.strip().split("\\s+"));

    private static final Map<String, Integer> INDEX =
            WORDLIST.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), WORDLIST::indexOf));

    static {
        if (WORDLIST.size() != 256 || INDEX.size() != 256) {
            throw new IllegalStateException("humanhash word list must have 256 distinct words");
        }
    }

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private Humanhash() {}

    /** Two-word humanhash of a hex digest (a sha256 in practice). */
    public static String of(String hexDigest) {
        return humanize(hexDigest, WORDS);
    }

    /**
     * Two-word humanhash of {@code digest} when it is a sha256 (64 hex digits, any case), else null: for values read
     * from hosts or the store, which may be missing, truncated or a git commit id.
     */
    public static String tryOf(String digest) {
        return digest != null && SHA256.matcher(digest).matches() ? of(digest) : null;
    }

    /** Two-word humanhash of a raw digest. */
    public static String of(byte[] digest) {
        return humanize(digest, WORDS);
    }

    /**
     * {@code words}-word humanhash of {@code hexDigest} (even number of hex digits, case-insensitive).
     *
     * @throws IllegalArgumentException when the text is not hex or has fewer bytes than words
     */
    public static String humanize(String hexDigest, int words) {
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(hexDigest.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a hex digest: '" + hexDigest + "'", e);
        }
        return humanize(bytes, words);
    }

    public static String humanize(byte[] digest, int words) {
        StringBuilder out = new StringBuilder();
        for (int b : compress(digest, words)) {
            if (!out.isEmpty()) {
                out.append('-');
            }
            out.append(WORDLIST.get(b));
        }
        return out.toString();
    }

    /** XOR-folds {@code bytes} into {@code target} values 0-255 (upstream {@code HumanHasher.compress}). */
    static int[] compress(byte[] bytes, int target) {
        if (target < 1 || target > bytes.length) {
            throw new IllegalArgumentException("cannot fold " + bytes.length + " bytes into " + target + " words");
        }
        int seg = bytes.length / target;
        int[] out = new int[target];
        for (int i = 0; i < bytes.length; i++) {
            int s = Math.min(i / seg, target - 1);
            out[s] ^= bytes[i] & 0xff;
        }
        return out;
    }

    /** True when {@code text} is {@link #WORDS} words of the list joined by {@code -}, e.g. {@code colorado-floor}. */
    public static boolean looksLikeHumanhash(String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split("-", -1);
        if (parts.length != WORDS) {
            return false;
        }
        for (String p : parts) {
            if (!INDEX.containsKey(p)) {
                return false;
            }
        }
        return true;
    }
}
