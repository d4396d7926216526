package dev.fleetroll.server

import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.util.function.Function
import org.openqa.selenium.OutputType
import org.openqa.selenium.StaleElementReferenceException
import org.openqa.selenium.UnexpectedAlertBehaviour
import org.openqa.selenium.WebDriver
import org.openqa.selenium.chrome.ChromeDriver
import org.openqa.selenium.chrome.ChromeDriverService
import org.openqa.selenium.chrome.ChromeOptions
import org.openqa.selenium.support.ui.WebDriverWait

/**
 * The Debian headless Chromium driven through the Debian chromedriver (never a download: both paths are given, so
 * Selenium Manager does not run), with the flags a closed network needs and a throwaway profile. Waits are for DOM
 * conditions with a generous ceiling.
 */
class WebBrowser implements AutoCloseable {
    static final String CHROMIUM = '/usr/bin/chromium'
    static final String CHROMEDRIVER = '/usr/bin/chromedriver'
    static final Duration CEILING = Duration.ofSeconds(60)

    final ChromeDriver driver
    final Path profile
    final Path screenshots

    WebBrowser(Path tmp) {
        System.setProperty('webdriver.chrome.driver', CHROMEDRIVER)
        System.setProperty('SE_AVOID_STATS', 'true')
        profile = Files.createTempDirectory(tmp, 'chromium-profile')
        screenshots = Path.of('target', 'screenshots')
        Files.createDirectories(screenshots)
        def options = new ChromeOptions()
        options.setBinary(CHROMIUM)
        options.addArguments('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync',
                '--disable-dev-shm-usage', '--window-size=1600,900', "--user-data-dir=${profile}".toString())
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE)
        def service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build()
        driver = new ChromeDriver(service, options)
        driver.manage().timeouts().pageLoadTimeout(CEILING).scriptTimeout(CEILING)
    }

    void open(URI uri) {
        driver.get(uri.toString())
    }

    /** Runs {@code js} in the page (a function body; {@code arguments} are the extra args). */
    Object js(String js, Object... args) {
        driver.executeScript(js, args)
    }

    /** Waits until {@code condition} is truthy (at most {@link #CEILING}); returns its value. */
    def <T> T waitFor(String what, Closure<T> condition) {
        new WebDriverWait(driver, CEILING).withMessage(what).ignoring(StaleElementReferenceException)
                .until({ WebDriver d -> condition.call() ?: null } as Function<WebDriver, T>)
    }

    /** The hosts of the table's rows, in order (read in one script: no stale elements). */
    List<String> rows() {
        js("return Array.from(document.querySelectorAll('#hosts tbody tr')).map(r => r.dataset.host)") as List<String>
    }

    Path screenshot(String name) {
        def file = screenshots.resolve(name + '.png')
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES))
        file
    }

    @Override
    void close() {
        driver?.quit()
    }
}
