package io.jetway.connection;

import java.time.Duration;

import io.jetway.test.nats.NatsServerProcess;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code nats} health indicator against a real nats-server that is stopped and
 * started again.
 */
class NatsHealthIndicatorTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(NatsConnectionAutoConfiguration.class, NatsHealthAutoConfiguration.class));

	@Test
	void upWhileConnectedDownWhileTheServerIsAwayUpAgainAfterReconnect() {
		try (NatsServerProcess server = NatsServerProcess.start()) {
			this.contextRunner
				.withPropertyValues("jetway.nats.servers=" + server.url(), "jetway.nats.reconnect-wait=100ms",
						"jetway.nats.max-reconnects=-1")
				.run((context) -> {
					NatsHealthIndicator indicator = context.getBean("natsHealthIndicator", NatsHealthIndicator.class);
					Health up = indicator.health(true);
					assertThat(up.getStatus()).isEqualTo(Status.UP);
					assertThat(up.getDetails()).containsEntry("status", "CONNECTED")
						.containsEntry("jetStream", true)
						.containsKeys("server", "serverId", "version");
					server.stop();
					await().atMost(Duration.ofSeconds(10))
						.until(() -> indicator.health(true).getStatus().equals(Status.DOWN));
					assertThat(indicator.health(true).getDetails().get("status")).isNotEqualTo("CONNECTED");
					server.restart();
					await().atMost(Duration.ofSeconds(15))
						.until(() -> indicator.health(true).getStatus().equals(Status.UP));
				});
		}
	}

	@Test
	void offWhenDisabledAndReplaceable() {
		try (NatsServerProcess server = NatsServerProcess.start()) {
			this.contextRunner
				.withPropertyValues("jetway.nats.servers=" + server.url(), "management.health.nats.enabled=false")
				.run((context) -> assertThat(context).doesNotHaveBean("natsHealthIndicator"));
			this.contextRunner.withPropertyValues("jetway.nats.servers=" + server.url())
				.withBean("natsHealthIndicator", String.class, () -> "mine")
				.run((context) -> assertThat(context.getBean("natsHealthIndicator")).isEqualTo("mine"));
		}
	}

}
