package io.jetway.sample;

import io.jetway.sample.Api.Response;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OJS producer endpoints and the jobs API stay protected where Spring MVC serves them
 * under another servlet path (and OJS under another base path): the filters compare the
 * paths with the DispatcherServlet's path in front.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.mvc.servlet.path=/api", "jetway.jobs.ojs.base-path=/external/ojs",
				"jetway.jobs.ojs.admin-key=" + OjsProducerKeyFilterServletPathTests.ADMIN_KEY })
@Import(SampleTestInfrastructure.class)
class OjsProducerKeyFilterServletPathTests {

	static final String ADMIN_KEY = "test-ojs-admin-key";

	private static final String PUSH = "{\"type\":\"render_thumbnail\",\"args\":[1],\"options\":{\"queue\":\"thumbnails\"}}";

	@LocalServerPort
	int port;

	@Test
	void aPushUnderTheServletPathNeedsTheAdminKey() {
		Api api = new Api(this.port);
		Response open = api.post("/api/external/ojs/v1/jobs", null, PUSH);
		assertThat(open.status()).as(open.toString()).isEqualTo(401);
		assertThat(api.post("/api/external/ojs/v1/workers%2F..%2Fjobs", null, PUSH).status()).isEqualTo(401);
		HttpHeaders headers = new HttpHeaders();
		headers.set("X-Jetway-Admin-Key", ADMIN_KEY);
		Response pushed = api.send(HttpMethod.POST, "/api/external/ojs/v1/jobs", headers, PUSH,
				MediaType.APPLICATION_JSON);
		assertThat(pushed.status()).as(pushed.toString()).isEqualTo(201);
		assertThat(api.get("/api/external/ojs/manifest", null).status()).isEqualTo(200);
	}

	@Test
	void theJobsApiUnderTheServletPathNeedsAnApiKey() {
		Response open = new Api(this.port).post("/api/jobs/v1/enqueue", null,
				"{\"type\":\"render_thumbnail\",\"payload\":{}}");
		assertThat(open.status()).as(open.toString()).isEqualTo(401);
	}

}
