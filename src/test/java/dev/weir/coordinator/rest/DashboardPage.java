package dev.weir.coordinator.rest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Collectors;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * What the dashboard's browser tests read off the page, shared by the {@code weir local} and the
 * operator tests: the graph's boxes and their rates, the page's console problems, screenshots.
 */
public final class DashboardPage {

    private static final Path SCREENSHOTS = Path.of("target", "dashboard");

    private DashboardPage() {
    }

    /** The names of the vertices the graph shows. */
    public static Set<String> shownVertices(ChromeDriver browser) {
        return browser.findElements(By.cssSelector(".vertex")).stream().map(v -> v.getDomAttribute("data-vertex"))
                .collect(Collectors.toSet());
    }

    /** A source sends records, every other task receives them, as the boxes' figures say. */
    public static boolean everyVertexMovesRecords(ChromeDriver browser) {
        List<WebElement> boxes = browser.findElements(By.cssSelector(".vertex"));
        for (WebElement box : boxes) {
            String rate = box.getDomAttribute("true".equals(box.getDomAttribute("data-source"))
                    ? "data-records-out-per-second" : "data-records-in-per-second");
            if (rate == null || Double.parseDouble(rate) <= 0) {
                return false;
            }
        }
        return !boxes.isEmpty();
    }

    /** The CSS selector of a row of the checkpoint table with {@code type} and {@code status}. */
    public static By checkpointRow(String type, String status) {
        return By.cssSelector("#checkpoints tr[data-type='" + type + "'][data-status='" + status + "']");
    }

    /** Script errors and Content-Security-Policy violations the page's console logged. */
    public static List<LogEntry> consoleProblems(ChromeDriver browser) {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
    }

    /** Saves the page as target/dashboard/{@code name}. */
    public static void screenshot(ChromeDriver browser, String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    }
}
