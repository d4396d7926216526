package dev.fleetroll.server.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The UI timing of {@code bench/server-api.sh} (not part of the suite): loads URL RUNS times in the Debian headless
 * Chromium (fresh tab each, same browser) and prints each load's Navigation Timing: time to first byte, first
 * contentful paint and DOMContentLoaded, in ms from navigation start.
 *
 * <pre>UiFirstRender URL RUNS</pre>
 */
public final class UiFirstRender {
    private UiFirstRender() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        Path profile = Files.createTempDirectory("fleetroll-bench-chromium");
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1600,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, o);
        try {
            d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(120));
            int runs = Integer.parseInt(args[1]);
            for (int i = 0; i < runs; i++) {
                d.get("about:blank");
                d.get(args[0]);
                @SuppressWarnings("unchecked")
                Map<String, Object> t = (Map<String, Object>) d.executeScript("""
                        const n = performance.getEntriesByType('navigation')[0];
                        const p = performance.getEntriesByName('first-contentful-paint')[0];
                        return {ttfb: n.responseStart, fcp: p ? p.startTime : -1, dcl: n.domContentLoadedEventEnd,
                                rows: document.querySelectorAll('#hosts tbody tr').length,
                                kib: n.transferSize / 1024};""");
                System.out.printf("run %d: ttfb %.0f ms  first contentful paint %.0f ms  DOMContentLoaded %.0f ms"
                        + "  (%s rows, %.0f KiB)%n", i + 1, num(t.get("ttfb")), num(t.get("fcp")), num(t.get("dcl")),
                        t.get("rows"), num(t.get("kib")));
            }
        } finally {
            d.quit();
        }
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : -1;
    }
}
