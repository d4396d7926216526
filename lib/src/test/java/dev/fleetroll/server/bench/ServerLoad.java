package dev.fleetroll.server.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load client of {@code bench/server-api.sh} (not part of the suite): CLIENTS closed-loop clients (one virtual
 * thread each, one HTTP/1.1 connection each) GET URL for SECONDS; prints requests, errors, throughput and latency
 * percentiles.
 *
 * <pre>ServerLoad URL CLIENTS SECONDS</pre>
 */
public final class ServerLoad {
    private ServerLoad() {}

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int clients = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        // warm-up: the JIT and the server's first views
        HttpClient warm = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 50; i++) {
            warm.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
        }
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<long[]> perClient = Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            Thread.ofVirtual().start(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(30)).build();
                long[] lat = new long[1 << 16];
                int n = 0;
                try {
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                                    .build(), HttpResponse.BodyHandlers.ofByteArray());
                            if (r.statusCode() != 200) {
                                errors.incrementAndGet();
                            }
                            bytes.addAndGet(r.body().length);
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                        if (n == lat.length) {
                            lat = java.util.Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = System.nanoTime() - t0;
                    }
                } finally {
                    perClient.add(java.util.Arrays.copyOf(lat, n));
                    done.countDown();
                }
            });
        }
        done.await();
        long total = perClient.stream().mapToLong(a -> a.length).sum();
        long[] all = new long[(int) total];
        int i = 0;
        for (long[] a : perClient) {
            System.arraycopy(a, 0, all, i, a.length);
            i += a.length;
        }
        java.util.Arrays.sort(all);
        System.out.printf("requests %d  errors %d  %.0f req/s  %.1f KiB/response%n", total, errors.get(),
                total / (double) seconds, total == 0 ? 0 : bytes.get() / 1024.0 / total);
        System.out.printf("latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%n", ms(all, 0.50), ms(all, 0.90),
                ms(all, 0.99), all.length == 0 ? 0 : all[all.length - 1] / 1e6);
    }

    private static double ms(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
    }
}
