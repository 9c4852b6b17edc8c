package io.jetway.dashboard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.jetway.consumer.DeadLetter;
import io.jetway.consumer.DeadLetters;
import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobOptions;
import io.jetway.jobs.JobState;
import io.jetway.jobs.JobStatus;
import io.jetway.test.nats.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real browser (headless Chromium) against an application with real
 * NATS and PostgreSQL and Spring Security's form login: what a read-only user and an
 * operator see and can do, user data shown as text, live figures.
 */
@SpringBootTest(classes = DashboardTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "jetway.jdbc.initialize-schema=always", "jetway.topology.streams.ORDERS.subjects=orders.>",
				"jetway.consumers.orders-handler.stream=ORDERS", "jetway.consumers.orders-handler.max-deliver=1",
				"jetway.outbox.relay.poll-interval=100ms", "jetway.jobs.poll-interval=100ms",
				"jetway.jobs.queues.reports.max-attempts=1", "jetway.listener.shutdown-timeout=5s",
				"jetway.jobs.schedules.nightly.cron=0 0 2 * * *", "jetway.jobs.schedules.nightly.type=report",
				"jetway.dashboard.refresh-interval=500ms" })
class DashboardBrowserTests {

	private static Browser browser;

	@LocalServerPort
	private int port;

	@Autowired
	private JobClient jobs;

	@Autowired
	private DeadLetters deadLetters;

	@Autowired
	private NatsServerProcess nats;

	@BeforeEach
	void browser() {
		if (browser == null) {
			browser = new Browser("http://localhost:" + this.port);
		}
		DashboardTestApplication.TestJobs.failing = true;
		DashboardTestApplication.OrdersListener.failing = false;
	}

	@AfterAll
	static void closeBrowser() {
		if (browser != null) {
			browser.close();
			browser = null;
		}
	}

	@Test
	void aReadOnlyUserSeesEveryPageWithoutActionsAndAForgedPostIsRefused() throws Exception {
		UUID failed = failedJob();
		long sequence = deadLetter("read only");
		browser.driver().manage().deleteAllCookies();
		browser.open("/jetway/jobs");
		browser.waitFor((driver) -> driver.getCurrentUrl().contains("/login"));
		browser.logIn(DashboardTestApplication.READER, DashboardTestApplication.PASSWORD);
		assertThat(texts("h2")).contains("NATS", "Streams", "Consumers", "Outbox", "Dead letters", "Jobs", "Schedules");
		assertThat(text("body")).contains("ORDERS", "orders-handler", "reports", "nightly", "reader · read-only");
		assertNoActions();
		browser.open("/jetway/jobs?queue=reports");
		assertThat(text("main")).contains(failed.toString());
		assertNoActions();
		browser.open("/jetway/jobs/" + failed);
		assertThat(text("[data-live='job.state']")).isEqualTo("failed");
		assertNoActions();
		browser.open("/jetway/dead-letters?consumer=orders-handler");
		assertThat(text("main")).contains("read only");
		assertNoActions();
		browser.open("/jetway/outbox");
		assertNoActions();
		// a POST made by hand, with a valid CSRF token, is refused for the role
		assertThat(post("/jetway/actions/queues/reports/pause", true)).isEqualTo(403);
		assertThat(post("/jetway/actions/dead-letters/" + sequence + "/discard", true)).isEqualTo(403);
		assertThat(this.jobs.isPaused("reports")).isFalse();
		assertThat(this.deadLetters.list((deadLetter) -> deadLetter.sequence() == sequence, 1)).hasSize(1);
		this.deadLetters.discard(sequence);
	}

	@Test
	void anOperatorRetriesAFailedJobAndSeesItComplete() {
		UUID failed = failedJob();
		DashboardTestApplication.TestJobs.failing = false;
		browser.logIn(DashboardTestApplication.OPERATOR, DashboardTestApplication.PASSWORD);
		browser.open("/jetway/jobs/" + failed);
		assertThat(text("[data-live='job.state']")).isEqualTo("failed");
		click("jobs/" + failed + "/retry");
		assertThat(text(".notice")).contains("retry jobs/" + failed, "1 changed");
		browser.waitFor((driver) -> text("[data-live='job.state']").equals("completed"));
		assertThat(text("#job-result")).contains("done");
		assertThat(state(failed)).isEqualTo(JobState.COMPLETED);
	}

	@Test
	void anOperatorRepublishesADeadLetterAndSeesItHandled() throws Exception {
		long sequence = deadLetter("republish me");
		browser.logIn(DashboardTestApplication.OPERATOR, DashboardTestApplication.PASSWORD);
		browser.open("/jetway/dead-letters?consumer=orders-handler");
		assertThat(text("article[data-sequence='" + sequence + "']")).contains("republish me",
				"failing on purpose: republish me");
		click("dead-letters/" + sequence + "/republish");
		assertThat(text(".notice")).contains("1 changed");
		assertThat(browser.driver().findElements(By.cssSelector("article[data-sequence='" + sequence + "']")))
			.isEmpty();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> DashboardTestApplication.OrdersListener.handled.contains("republish me"));
	}

	@Test
	void anOperatorPausesAndResumesAQueue() {
		browser.logIn(DashboardTestApplication.OPERATOR, DashboardTestApplication.PASSWORD);
		browser.open("/jetway/jobs?queue=reports");
		click("queues/reports/pause");
		assertThat(text("p.queue")).contains("reports is paused");
		assertThat(this.jobs.isPaused("reports")).isTrue();
		click("queues/reports/resume");
		assertThat(text("p.queue")).contains("reports is active");
		assertThat(this.jobs.isPaused("reports")).isFalse();
	}

	@Test
	void scriptInAJobPayloadAndADeadLetterIsShownAsText() throws Exception {
		String jobScript = "<script>alert('job')</script>";
		UUID job = this.jobs.enqueue("report", jobScript, JobOptions.builder().delay(Duration.ofHours(1)).build());
		String letterScript = "<script>alert('dead letter')</script><img src=x onerror=alert(1)>";
		long sequence = deadLetter(letterScript);
		browser.logIn(DashboardTestApplication.OPERATOR, DashboardTestApplication.PASSWORD);
		browser.open("/jetway/jobs/" + job);
		assertThat(text("#job-payload")).contains(jobScript);
		assertNoAlertAndOnlyTheDashboardScript();
		browser.open("/jetway/dead-letters?consumer=orders-handler");
		assertThat(text("article[data-sequence='" + sequence + "'] pre.body")).isEqualTo(letterScript);
		assertThat(browser.driver().findElements(By.cssSelector("main img"))).isEmpty();
		assertNoAlertAndOnlyTheDashboardScript();
		browser.driver().executeScript("window.confirm = function () { return true; };");
		click("dead-letters/" + sequence + "/discard");
		assertThat(text(".notice")).contains("discard dead-letters/" + sequence, "1 changed");
		assertThat(this.deadLetters.list((deadLetter) -> deadLetter.sequence() == sequence, 1)).isEmpty();
		assertThat(this.jobs.cancel(job)).isTrue();
	}

	@Test
	void liveProgressUpdatesWithoutAReload() {
		DashboardTestApplication.TestJobs.steps.drainPermits();
		UUID job = this.jobs.enqueue("progress", "the work");
		browser.logIn(DashboardTestApplication.READER, DashboardTestApplication.PASSWORD);
		browser.open("/jetway/jobs/" + job);
		browser.driver().executeScript("window.jetwaySamePage = true;");
		browser.waitFor((driver) -> text("[data-live='job.progress']").equals("25 %"));
		assertThat(text("[data-live='job.progressMessage']")).isEqualTo("a quarter");
		DashboardTestApplication.TestJobs.steps.release();
		browser.waitFor((driver) -> text("[data-live='job.progress']").equals("75 %"));
		assertThat(text("[data-live='job.progressMessage']")).isEqualTo("three quarters");
		DashboardTestApplication.TestJobs.steps.release();
		browser.waitFor((driver) -> text("[data-live='job.state']").equals("completed"));
		assertThat(text("[data-live='job.result']")).contains("finished", "the work");
		assertThat(browser.driver().executeScript("return window.jetwaySamePage === true;")).isEqualTo(true);
	}

	@Test
	void everyAnswerCarriesAStrictContentSecurityPolicyAndAPostWithoutCsrfTokenIsRefused() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		String operator = "Basic " + Base64.getEncoder()
			.encodeToString((DashboardTestApplication.OPERATOR + ":" + DashboardTestApplication.PASSWORD).getBytes());
		for (String path : new String[] { "/jetway", "/jetway/jobs", "/jetway/live", "/jetway/static/dashboard.js" }) {
			HttpResponse<String> page = http
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
					.header("Authorization", operator)
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(page.statusCode()).as(path).isEqualTo(200);
			assertThat(page.headers().firstValue("Content-Security-Policy")).as(path)
				.hasValue(DashboardInterceptor.CONTENT_SECURITY_POLICY);
		}
		HttpResponse<String> forged = http.send(HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.port + "/jetway/actions/queues/reports/pause"))
			.header("Authorization", operator)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		// Spring Security's CsrfFilter refuses it before the basic credentials are read
		// (so the request is anonymous: 401)
		assertThat(forged.statusCode()).isIn(401, 403);
		assertThat(this.jobs.isPaused("reports")).isFalse();
	}

	@Test
	void screenshotsOfTheMainPages() throws Exception {
		UUID failed = failedJob();
		UUID scheduled = this.jobs.enqueue("report", Map.of("month", "2026-11"),
				JobOptions.builder().delay(Duration.ofHours(2)).build());
		long sequence = deadLetter("{\"order\": 42, \"total\": \"99.50\"}");
		browser.logIn(DashboardTestApplication.OPERATOR, DashboardTestApplication.PASSWORD);
		screenshot("overview");
		browser.open("/jetway/jobs");
		screenshot("jobs");
		browser.open("/jetway/jobs/" + failed);
		screenshot("job");
		browser.open("/jetway/dead-letters?consumer=orders-handler");
		screenshot("dead-letters");
		browser.open("/jetway/outbox");
		screenshot("outbox");
		this.jobs.cancel(scheduled);
		this.deadLetters.discard(sequence);
	}

	private void screenshot(String page) throws Exception {
		browser.waitFor((driver) -> !driver.findElements(By.tagName("h1")).isEmpty());
		byte[] png = browser.driver().getScreenshotAs(OutputType.BYTES);
		Path file = Path.of("..", "docs", "images", "dashboard-" + page + ".png");
		Files.createDirectories(file.getParent());
		Files.write(file, png);
		assertThat(file).isNotEmptyFile();
	}

	private UUID failedJob() {
		UUID id = this.jobs.enqueue("report", "fail, please");
		await().atMost(Duration.ofSeconds(15)).until(() -> state(id) == JobState.FAILED);
		return id;
	}

	/**
	 * @return the sequence of a new dead letter of {@code orders-handler} with the body
	 */
	private long deadLetter(String body) throws Exception {
		DashboardTestApplication.OrdersListener.failing = true;
		try (Connection connection = Nats.connect(this.nats.url())) {
			connection.jetStream().publish("orders.created", body.getBytes());
		}
		List<DeadLetter> found = await().atMost(Duration.ofSeconds(15))
			.until(() -> this.deadLetters.list((deadLetter) -> new String(deadLetter.body()).equals(body), 1),
					(letters) -> !letters.isEmpty());
		DashboardTestApplication.OrdersListener.failing = false;
		return found.get(0).sequence();
	}

	private JobState state(UUID id) {
		return this.jobs.status(id).map(JobStatus::status).orElse(null);
	}

	private static void click(String action) {
		// the action returns to the same address: wait for a new page with the outcome
		WebElement before = browser.driver().findElement(By.tagName("html"));
		browser.driver().findElement(By.cssSelector("button[data-action='" + action + "']")).click();
		browser.waitFor((driver) -> ExpectedConditions.stalenessOf(before).apply(driver)
				&& !driver.findElements(By.cssSelector(".notice")).isEmpty());
	}

	/**
	 * Posts from the page with the CSRF token the page carries (or none).
	 * @return the HTTP status
	 */
	private static long post(String path, boolean withToken) {
		Object status = browser.driver()
			.executeAsyncScript("var done = arguments[arguments.length - 1];"
					+ "var parameter = document.querySelector('meta[name=jetway-csrf-parameter]').content;"
					+ "var token = document.querySelector('meta[name=jetway-csrf-token]').content;"
					+ "var body = new URLSearchParams(); if (arguments[1]) { body.append(parameter, token); }"
					+ "fetch(arguments[0], {method: 'POST', body: body, redirect: 'manual'})"
					+ ".then(function (r) { done(r.status); }, function (e) { done(-1); });", path, withToken);
		return ((Number) status).longValue();
	}

	private static void assertNoActions() {
		assertThat(browser.driver().findElements(By.cssSelector("form.action, button[data-action]"))).isEmpty();
	}

	private static void assertNoAlertAndOnlyTheDashboardScript() {
		assertThatExceptionOfType(NoAlertPresentException.class).isThrownBy(() -> browser.driver().switchTo().alert());
		List<WebElement> scripts = browser.driver().findElements(By.tagName("script"));
		assertThat(scripts).hasSize(1);
		assertThat(scripts.get(0).getAttribute("src")).endsWith("/jetway/static/dashboard.js");
	}

	private static String text(String selector) {
		return browser.driver().findElement(By.cssSelector(selector)).getText();
	}

	private static List<String> texts(String selector) {
		return browser.driver().findElements(By.cssSelector(selector)).stream().map(WebElement::getText).toList();
	}

}
