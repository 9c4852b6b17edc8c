package io.jetway.actuate;

import java.time.Duration;
import java.util.UUID;

import io.jetway.consumer.JetStreamListenerRegistry;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Who reaches the {@code jetway} endpoint: nobody over HTTP until it is exposed, and only
 * its reads while its access is the default (read-only); and the aggregate health over
 * HTTP while a private nats-server stops and starts again.
 */
class JetwayEndpointAccessTests {

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static TestDatabaseInstance database() {
		return ActuateTestSupport.emptyPostgres(databases);
	}

	@Test
	void notReachableUntilExposed() {
		try (NatsServerProcess nats = NatsServerProcess.start();
				ActuatorApplication app = ActuatorApplication.start(database(), nats)) {
			assertThat(app.get("/actuator/jetway").status()).isEqualTo(404);
			assertThat(app.post("/actuator/jetway/listeners/orders-handler/pause", "").status()).isEqualTo(404);
			assertThat(app.context().getBeanNamesForType(JetwayEndpoint.class)).isEmpty();
			assertThat(app.context().getBean(JetStreamListenerRegistry.class).getContainer("orders-handler").isPaused())
				.isFalse();
		}
	}

	@Test
	void exposedItOnlyReadsUntilItsAccessIsUnrestricted() {
		try (NatsServerProcess nats = NatsServerProcess.start();
				ActuatorApplication app = ActuatorApplication.start(database(), nats,
						"management.endpoints.web.exposure.include=jetway")) {
			assertThat(app.get("/actuator/jetway").status()).isEqualTo(200);
			assertThat(app.get("/actuator/jetway/consumers").status()).isEqualTo(200);
			assertThat(app.post("/actuator/jetway/listeners/orders-handler/pause", "").status()).isEqualTo(404);
			assertThat(app.delete("/actuator/jetway/jobs/" + UUID.randomUUID()).status()).isEqualTo(404);
			assertThat(app.post("/actuator/jetway/consumers", "").status()).isEqualTo(405);
			assertThat(app.context().getBean(JetStreamListenerRegistry.class).getContainer("orders-handler").isPaused())
				.isFalse();
		}
	}

	@Test
	void theAggregateHealthIsDownWhileNatsIsAwayAndUpAfterItsRestart() {
		try (NatsServerProcess nats = NatsServerProcess.start();
				ActuatorApplication app = ActuatorApplication.start(database(), nats,
						"management.endpoint.health.show-components=always")) {
			await().atMost(Duration.ofSeconds(10)).until(() -> app.get("/actuator/health").status() == 200);
			assertThat(app.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
			nats.stop();
			await().atMost(Duration.ofSeconds(10)).until(() -> app.get("/actuator/health").status() == 503);
			ActuatorApplication.Response down = app.get("/actuator/health");
			assertThat(down.json().get("status").asString()).isEqualTo("DOWN");
			assertThat(down.json().get("components").get("jetway").get("status").asString()).isEqualTo("DOWN");
			assertThat(down.json().get("components").get("nats").get("status").asString()).isEqualTo("DOWN");
			nats.restart();
			await().atMost(Duration.ofSeconds(20)).until(() -> app.get("/actuator/health").status() == 200);
			assertThat(app.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
		}
	}

}
