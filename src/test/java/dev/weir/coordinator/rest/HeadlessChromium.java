package dev.weir.coordinator.rest;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser for the dashboard's tests: Debian's Chromium driven through Debian's chromedriver,
 * both named by path, so Selenium Manager never looks for (or downloads) a browser or driver of its
 * own. A machine without them fails the test, naming the packages: a dashboard test that skips would
 * pass on every machine that cannot run it.
 */
public final class HeadlessChromium {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {
    }

    /** A headless Chromium with a {@code width} x {@code height} window that keeps the page's console log. */
    public static ChromeDriver start(int width, int height) {
        List<Path> missing = List.of(BROWSER, DRIVER).stream().filter(p -> !Files.isExecutable(p)).toList();
        if (!missing.isEmpty()) {
            throw new AssertionError("the dashboard's browser test needs Debian's packages chromium and"
                    + " chromium-driver (missing " + missing + "): apt-get install -y chromium chromium-driver,"
                    + " or run .ci/run as root, which installs them");
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/chromedriver.log"))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        // --no-sandbox: the tests may run as root, where Chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--disable-extensions", "--no-first-run", "--window-size=" + width + "," + height);
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        return new ChromeDriver(service, options);
    }
}
