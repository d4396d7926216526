package dev.fleetroll.github;

/** Makes text from elsewhere (a server's message, an exception) fit a one-line error message. */
final class Messages {
    private static final int MAX = 200;

    private Messages() {}

    static String oneLine(String text) {
        if (text == null || text.isBlank()) {
            return "(no details)";
        }
        String flat = text.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        return flat.length() > MAX ? flat.substring(0, MAX) + "..." : flat;
    }
}
