package io.jetway.jobs.ojs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.jobs.ojs.OjsTestApplication.Response;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two application instances serving one set of workers: every job is leased once at a
 * time, all complete, none twice; a worker ACKs through the other instance than the one
 * it fetched from (the lease lives in the database and the message's reply subject).
 */
class OjsTwoInstancesTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final int JOBS = 300;

	@Test
	void everyJobIsLeasedOnceAndCompletedOnceAcrossTwoInstances() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		try (OjsTestApplication first = OjsTestApplication.start(database, nats.url());
				OjsTestApplication second = OjsTestApplication.start(database, nats.url())) {
			List<OjsTestApplication> instances = List.of(first, second);
			for (int i = 0; i < JOBS; i++) {
				assertThat(instances.get(i % 2).push("test.echo", "shared", i).status()).isEqualTo(201);
			}
			Map<String, AtomicInteger> leased = new ConcurrentHashMap<>();
			Set<String> acked = ConcurrentHashMap.newKeySet();
			AtomicInteger refused = new AtomicInteger();
			ExecutorService workers = Executors.newFixedThreadPool(4);
			try {
				List<Future<?>> loops = new ArrayList<>();
				for (int w = 0; w < 4; w++) {
					int worker = w;
					loops.add(workers.submit(() -> {
						int round = 0;
						while (acked.size() < JOBS) {
							OjsTestApplication fetchFrom = instances.get((worker + round) % 2);
							OjsTestApplication ackTo = instances.get((worker + round + 1) % 2);
							round++;
							Response fetched = fetchFrom.post("/ojs/v1/workers/fetch",
									Map.of("queues", List.of("shared"), "count", 5, "worker_id", "worker-" + worker));
							for (JsonNode job : fetched.json().at("/jobs")) {
								String id = job.at("/id").asString();
								leased.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
								Response ack = ackTo.post("/ojs/v1/workers/ack", Map.of("job_id", id, "lease_token",
										job.at("/lease/token").asString(), "result", Map.of("worker", worker)));
								if (ack.status() == 200) {
									assertThat(acked.add(id)).as("job %s acknowledged twice", id).isTrue();
								}
								else {
									refused.incrementAndGet();
								}
							}
						}
						return null;
					}));
				}
				for (Future<?> loop : loops) {
					loop.get();
				}
			}
			finally {
				workers.shutdownNow();
			}
			assertThat(acked).hasSize(JOBS);
			assertThat(refused).hasValue(0);
			assertThat(leased).hasSize(JOBS).allSatisfy((id, times) -> assertThat(times).hasValue(1));
			JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
			assertThat(jdbc.queryForObject(
					"SELECT COUNT(*) FROM jetway_jobs WHERE status = 'completed' AND attempts = 1", Integer.class))
				.isEqualTo(JOBS);
			// every message was acknowledged: the queue's consumer holds none
			// unacknowledged
			// and the (work queue) stream none at all
			try (Connection connection = Nats.connect(nats.url())) {
				JetStreamManagement management = connection.jetStreamManagement();
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					List<ConsumerInfo> consumers = new ArrayList<>();
					for (String stream : management.getStreamNames()) {
						for (ConsumerInfo consumer : management.getConsumers(stream)) {
							if (consumer.getName().contains("shared")) {
								consumers.add(consumer);
								assertThat(management.getStreamInfo(stream).getStreamState().getMsgCount()).isZero();
							}
						}
					}
					assertThat(consumers).hasSize(1).allSatisfy((consumer) -> {
						assertThat(consumer.getNumAckPending()).isZero();
						assertThat(consumer.getNumPending()).isZero();
					});
				});
			}
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM jetway_job_leases", Integer.class)).isZero();
		}
		finally {
			OjsTestApplication.reset(database, nats.url());
		}
	}

}
