package dev.fleetroll.server;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hawk nonces seen within the timestamp skew window: a request whose (client id, nonce, timestamp) was already
 * accepted is a replay. Entries older than the window are dropped (a request that old fails the timestamp check
 * anyway), so memory stays bounded by the request rate.
 */
final class NonceCache {
    private final long windowSeconds;
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    NonceCache(long windowSeconds) {
        this.windowSeconds = windowSeconds;
    }

    /** Records the nonce; false when it was already seen (a replay). */
    synchronized boolean firstUse(String clientId, String nonce, long ts, long nowSeconds) {
        Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() >= nowSeconds - 2 * windowSeconds) {
                break;
            }
            it.remove();
        }
        return seen.putIfAbsent(clientId + "\n" + nonce + "\n" + ts, nowSeconds) == null;
    }
}
