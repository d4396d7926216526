package dev.fleetroll.content;

import java.util.List;
import java.util.Locale;

/**
 * Human-readable names for digests: the zacharyvoase humanhash algorithm. The digest bytes are split into
 * {@code words} equal segments (left-over bytes join the last), each segment is XOR-folded to one byte, and each
 * byte picks a word from the standard 256-word list. Overrides and vault files are named by two words,
 * e.g. {@code colorado-floor}.
 */
public final class HumanHash {
    /** The standard humanhash word list; index = byte value. */
    static final List<String> WORDS = List.of(
            "ack", "alabama", "alanine", "alaska", "alpha", "angel", "apart", "april",
            "arizona", "arkansas", "artist", "asparagus", "aspen", "august", "autumn",
            "avocado", "bacon", "bakerloo", "batman", "beer", "berlin", "beryllium",
            "black", "blossom", "blue", "bluebird", "bravo", "bulldog", "burger",
            "butter", "california", "carbon", "cardinal", "carolina", "carpet", "cat",
            "ceiling", "charlie", "chicken", "coffee", "cola", "cold", "colorado",
            "comet", "connecticut", "crazy", "cup", "dakota", "december", "delaware",
            "delta", "diet", "don", "double", "early", "earth", "east", "echo",
            "edward", "eight", "eighteen", "eleven", "emma", "enemy", "equal",
            "failed", "fanta", "fifteen", "fillet", "finch", "fish", "five", "fix",
            "floor", "florida", "football", "four", "fourteen", "foxtrot", "freddie",
            "friend", "fruit", "gee", "georgia", "glucose", "golf", "green", "grey",
            "hamper", "happy", "harry", "hawaii", "helium", "high", "hot", "hotel",
            "hydrogen", "idaho", "illinois", "india", "indigo", "ink", "iowa",
            "island", "item", "jersey", "jig", "johnny", "juliet", "july", "jupiter",
            "kansas", "kentucky", "kilo", "king", "kitten", "lactose", "lake", "lamp",
            "lemon", "leopard", "lima", "lion", "lithium", "london", "louisiana",
            "low", "magazine", "magnesium", "maine", "mango", "march", "mars",
            "maryland", "massachusetts", "may", "mexico", "michigan", "mike",
            "minnesota", "mirror", "mississippi", "missouri", "mobile", "mockingbird",
            "monkey", "montana", "moon", "mountain", "muppet", "music", "nebraska",
            "neptune", "network", "nevada", "nine", "nineteen", "nitrogen", "north",
            "november", "nuts", "october", "ohio", "oklahoma", "one", "orange",
            "oranges", "oregon", "oscar", "oven", "oxygen", "papa", "paris", "pasta",
            "pennsylvania", "pip", "pizza", "pluto", "potato", "princess", "purple",
            "quebec", "queen", "quiet", "red", "river", "robert", "robin", "romeo",
            "rugby", "sad", "salami", "saturn", "september", "seven", "seventeen",
            "shade", "sierra", "single", "sink", "six", "sixteen", "skylark", "snake",
            "social", "sodium", "solar", "south", "spaghetti", "speaker", "spring",
            "stairway", "steak", "stream", "summer", "sweet", "table", "tango", "ten",
            "tennessee", "tennis", "texas", "thirteen", "three", "timing", "triple",
            "twelve", "twenty", "two", "uncle", "undress", "uniform", "uranus", "utah",
            "vegan", "venus", "vermont", "victor", "video", "violet", "virginia",
            "washington", "west", "whiskey", "white", "william", "winner", "winter",
            "wisconsin", "wolfram", "wyoming", "xray", "yankee", "yellow", "zebra",
            "zulu");

    private HumanHash() {}

    /** The two-word name of a hex digest (a sha256), or null for null or non-hex input. */
    public static String of(String hexDigest) {
        return humanize(hexDigest, 2);
    }

    /** The {@code words}-word name of a hex digest, or null when the input is not hex or too short. */
    public static String humanize(String hexDigest, int words) {
        if (hexDigest == null || hexDigest.length() % 2 != 0 || hexDigest.length() / 2 < words || words < 1) {
            return null;
        }
        int n = hexDigest.length() / 2;
        int[] bytes = new int[n];
        for (int i = 0; i < n; i++) {
            int hi = Character.digit(hexDigest.charAt(2 * i), 16);
            int lo = Character.digit(hexDigest.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            bytes[i] = hi << 4 | lo;
        }
        int segment = n / words;
        StringBuilder out = new StringBuilder();
        for (int w = 0; w < words; w++) {
            int end = w == words - 1 ? n : (w + 1) * segment;
            int x = 0;
            for (int i = w * segment; i < end; i++) {
                x ^= bytes[i];
            }
            if (w > 0) {
                out.append('-');
            }
            out.append(WORDS.get(x));
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
