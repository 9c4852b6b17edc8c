package io.jetway.sample;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An enqueue needs one database connection: the rate limiter counts in the request's
 * transaction instead of a second one. With a second transaction per enqueue, as many
 * concurrent enqueues as the pool has connections each held one and waited for another,
 * until the pool's connection timeout failed them all.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.api.keys.single.key=" + EnqueueOnOneConnectionTests.KEY,
				"sample.api.keys.single.project-id=single", "sample.api.keys.single.environment-id=test",
				"sample.api.keys.single.tier=free", "sample.api.keys.single.job-types=echo",
				"spring.datasource.hikari.maximum-pool-size=1", "spring.datasource.hikari.connection-timeout=5000" })
@Import(SampleTestInfrastructure.class)
class EnqueueOnOneConnectionTests {

	static final String KEY = "test-key-single-connection";

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void enqueueCountsAgainstTheLimitInTheRequestsTransaction() {
		Api api = new Api(this.port);
		for (int i = 0; i < 3; i++) {
			Api.Response enqueued = api.post("/jobs/v1/enqueue", KEY, "{\"type\":\"echo\",\"payload\":{}}");
			assertThat(enqueued.status()).as(enqueued.toString()).isEqualTo(201);
		}
		assertThat(this.jdbc.queryForObject("select enqueues from atlas_enqueue_limits where project_id = 'single'",
				Integer.class))
			.isEqualTo(3);
	}

}
