package io.jetway.dashboard;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jetway.actuate.JetwayOverview;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Actions over plain HTTP: they need a valid CSRF token and a same-origin request even
 * when the application's filter chain does not check CSRF for the dashboard's path; their
 * outcome is shown on the page they return to, and only theirs.
 */
@SpringBootTest(classes = { DashboardTestApplication.class, DashboardActionTests.CsrfIgnoredForTheDashboard.class },
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "jetway.jdbc.initialize-schema=always",
				"jetway.topology.streams.ORDERS.subjects=orders.>", "jetway.consumers.orders-handler.stream=ORDERS" })
class DashboardActionTests {

	private static final Pattern TOKEN = Pattern.compile("name=\"jetway-csrf-token\" content=\"([^\"]+)\"");

	@LocalServerPort
	private int port;

	@Autowired
	private JetwayOverview overview;

	private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

	@AfterEach
	void resumeTheQueue() throws Exception {
		send(post("/jetway/actions/queues/reports/resume", token()));
	}

	@Test
	void aPostWithoutTokenIsRefusedAndChangesNothing() throws Exception {
		HttpResponse<String> response = send(post("/jetway/actions/queues/reports/pause", null));
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(pausedQueues()).doesNotContain("reports");
	}

	@Test
	void aPostWithAWrongTokenIsRefused() throws Exception {
		token();
		HttpResponse<String> response = send(post("/jetway/actions/queues/reports/pause", "bm90LXRoZS10b2tlbg"));
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(pausedQueues()).doesNotContain("reports");
	}

	@Test
	void aPostWithTheTokenFromAnotherSiteIsRefused() throws Exception {
		HttpResponse<String> response = send(
				post("/jetway/actions/queues/reports/pause", token()).header("Sec-Fetch-Site", "cross-site").build());
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(pausedQueues()).doesNotContain("reports");
	}

	@Test
	void aPostTheBrowserMarksSameOriginActsBehindAProxyThatRewritesTheAddress() throws Exception {
		// behind a TLS proxy without forwarded headers, the application sees another
		// scheme, host and port than the browser's origin; the browser's own verdict
		// holds
		HttpResponse<String> response = send(
				post("/jetway/actions/queues/reports/pause", token()).header("Sec-Fetch-Site", "same-origin")
					.header("Origin", "https://ops.example.com")
					.build());
		assertThat(response.statusCode()).isEqualTo(303);
		assertThat(pausedQueues()).contains("reports");
	}

	@Test
	void aPostFromAnotherOriginWithoutFetchMetadataIsRefused() throws Exception {
		HttpResponse<String> response = send(
				post("/jetway/actions/queues/reports/pause", token()).header("Origin", "https://evil.example.com")
					.build());
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(pausedQueues()).doesNotContain("reports");
	}

	@Test
	void aPostWithTheTokenOfThePageActs() throws Exception {
		HttpResponse<String> response = send(post("/jetway/actions/queues/reports/pause", token()));
		assertThat(response.statusCode()).isEqualTo(303);
		assertThat(pausedQueues()).contains("reports");
	}

	@Test
	void anActionReturnsToItsPageAndShowsItsOutcome() throws Exception {
		String back = "/jetway/jobs?notice=forged&queue=reports";
		HttpResponse<String> response = send(request("/jetway/actions/queues/reports/pause")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("back=" + Pages.query(back) + "&_csrf=" + token())));
		assertThat(response.statusCode()).isEqualTo(303);
		String location = response.headers().firstValue("Location").orElseThrow();
		assertThat(URI.create(location).getRawPath() + "?" + URI.create(location).getRawQuery()).isEqualTo(back);
		HttpResponse<String> page = send(request(location).GET());
		assertThat(page.body())
			.contains("<p class=\"notice\" role=\"status\">Asked to pause queues/reports: 1 changed.</p>")
			.doesNotContain(">forged");
	}

	@Test
	void aNoticeInTheAddressIsNotShown() throws Exception {
		HttpResponse<String> page = send(request("/jetway?notice=Your+session+expired").GET());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).doesNotContain("Your session expired");
	}

	@Test
	void aJobsPageDeeperThanTenThousandJobsShowsTheDeepestAllowedWithANotice() throws Exception {
		HttpResponse<String> page = send(request("/jetway/jobs?page=" + Integer.MAX_VALUE).GET());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("at most 10,000 jobs deep");
	}

	private String token() throws IOException, InterruptedException {
		HttpResponse<String> page = send(request("/jetway").GET());
		Matcher matcher = TOKEN.matcher(page.body());
		assertThat(matcher.find()).as("the page has a CSRF token").isTrue();
		return matcher.group(1);
	}

	private List<String> pausedQueues() {
		Object jobs = this.overview.part("jobs");
		return (jobs instanceof Map<?, ?> map && map.get("pausedQueues") instanceof List<?> list)
				? list.stream().map(Object::toString).toList() : List.of();
	}

	private HttpRequest.Builder post(String path, @Nullable String token) {
		String form = "back=/jetway" + ((token != null) ? "&_csrf=" + token : "");
		return request(path).header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form));
	}

	private HttpRequest.Builder request(String path) {
		String credentials = DashboardTestApplication.OPERATOR + ":" + DashboardTestApplication.PASSWORD;
		return HttpRequest.newBuilder(URI.create("http://localhost:" + this.port).resolve(path))
			.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * An application chain that leaves the dashboard's path out of its CSRF check.
	 */
	@Configuration(proxyBeanMethods = false)
	static class CsrfIgnoredForTheDashboard {

		@Bean
		SecurityFilterChain filterChain(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.csrf((csrf) -> csrf.ignoringRequestMatchers("/jetway/**"))
				.build();
		}

	}

}
