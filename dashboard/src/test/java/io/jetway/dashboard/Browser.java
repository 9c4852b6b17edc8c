package io.jetway.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's headless Chromium driven by Selenium, with a fresh profile and no network but
 * the application's. A missing browser or driver fails the tests, naming the packages to
 * install.
 */
final class Browser implements AutoCloseable {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private final Path profile;

	private final ChromeDriver driver;

	private final String baseUrl;

	Browser(String baseUrl) {
		assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
			.as("the browser tests need Debian's Chromium and its driver at %s and %s: "
					+ "apt-get install chromium chromium-driver (.ci/run does)", CHROMIUM, CHROMEDRIVER)
			.isTrue();
		this.baseUrl = baseUrl;
		try {
			this.profile = Files.createTempDirectory("jetway-chromium-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--window-size=1366,900", "--user-data-dir=" + this.profile);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		this.driver = new ChromeDriver(service, options);
	}

	ChromeDriver driver() {
		return this.driver;
	}

	/**
	 * Opens a page of the application.
	 * @param path the path, such as {@code /jetway/jobs}
	 */
	void open(String path) {
		this.driver.get(this.baseUrl + path);
	}

	/**
	 * Logs out whoever was logged in and logs in through the application's login page.
	 */
	void logIn(String user, String password) {
		this.driver.manage().deleteAllCookies();
		open("/jetway");
		waitFor((driver) -> driver.getCurrentUrl().contains("/login"));
		this.driver.findElement(By.id("username")).sendKeys(user);
		this.driver.findElement(By.id("password")).sendKeys(password);
		this.driver.findElement(By.cssSelector("button[type=submit]")).click();
		// Spring Security returns to the saved request with "?continue"
		waitFor((driver) -> driver.getCurrentUrl().contains("/jetway") && !driver.getCurrentUrl().contains("/login")
				&& !driver.findElements(By.tagName("h1")).isEmpty());
	}

	<T> T waitFor(Function<WebDriver, T> condition) {
		return new WebDriverWait(this.driver, Duration.ofSeconds(20))
			.withMessage(
					() -> "on " + this.driver.getCurrentUrl() + ", page: " + abbreviate(this.driver.getPageSource()))
			.until(condition);
	}

	private static String abbreviate(String page) {
		return (page.length() > 3000) ? page.substring(0, 3000) + "..." : page;
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			try (Stream<Path> files = Files.walk(this.profile)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
			catch (IOException ex) {
				// the profile is in the temporary directory
			}
		}
	}

}
