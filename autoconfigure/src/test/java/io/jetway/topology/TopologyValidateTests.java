package io.jetway.topology;

import java.time.Duration;

import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.jetway.test.nats.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

class TopologyValidateTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	private ServerStreams server;

	private ApplicationContextRunner runner;

	@BeforeEach
	void connect() throws Exception {
		this.server = ServerStreams.connect(nats);
		this.runner = ServerStreams.runner(nats);
	}

	@AfterEach
	void cleanUp() throws Exception {
		this.server.close();
	}

	@Test
	void validateFailsStartupWithOneReportOfEverythingAndChangesNothing() throws Exception {
		this.server.create(StreamConfiguration.builder()
			.name("ORDERS")
			.subjects("orders.created")
			.maxAge(Duration.ofHours(1))
			.build());
		this.server.create("FOREIGN", "audit.>");
		this.runner
			.withPropertyValues("jetway.topology.mode=validate",
					"jetway.topology.streams.ORDERS.subjects=orders.created,orders.cancelled,audit.orders",
					"jetway.topology.streams.ORDERS.max-age=7d", "jetway.topology.streams.PAYMENTS.subjects=payments.>")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(TopologyValidationException.class)
					.hasMessageContaining("(4 problems)")
					.hasMessageContaining("stream ORDERS (jetway.topology.streams.ORDERS): subject 'orders.cancelled' "
							+ "(jetway.topology.streams.ORDERS.subjects[1]) is missing")
					.hasMessageContaining(
							"subject 'audit.orders' (jetway.topology.streams.ORDERS.subjects[2]) overlaps "
									+ "'audit.>' owned by another stream FOREIGN")
					.hasMessageContaining(
							"max-age is 1h on the server but jetway.topology.streams.ORDERS.max-age is 7d")
					.hasMessageContaining("stream PAYMENTS (jetway.topology.streams.PAYMENTS): does not exist")
					.hasMessageContaining("jetway.topology.mode");
			});
		assertThat(this.server.exists("PAYMENTS")).isFalse();
		assertThat(this.server.stream("ORDERS").getSubjects()).containsExactly("orders.created");
		assertThat(this.server.stream("ORDERS").getMaxAge()).isEqualTo(Duration.ofHours(1));
	}

	@Test
	void validatePassesWhenTheServerMatches() throws Exception {
		this.server.create("ORDERS", "orders.*");
		this.runner
			.withPropertyValues("jetway.topology.mode=validate",
					"jetway.topology.streams.ORDERS.subjects=orders.created")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void invalidSubjectIsAStartupErrorNamingThePropertyAndValue() throws Exception {
		this.runner
			.withPropertyValues("jetway.topology.streams.ORDERS.subjects[0]=orders.>",
					"jetway.topology.streams.ORDERS.subjects[1]=orders..created")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				assertThat(failure).rootCause()
					.isInstanceOf(TopologyException.class)
					.hasMessageContaining("Invalid subject 'orders..created'")
					.hasMessageContaining("jetway.topology.streams.ORDERS.subjects[1]");
				FailureAnalysis analysis = new io.jetway.support.JetwayFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).contains("Invalid subject 'orders..created': token 2 is empty")
					.contains("jetway.topology.streams.ORDERS.subjects[1]");
				assertThat(analysis.getAction()).contains("'orders.>'");
			});
		assertThat(this.server.exists("ORDERS")).isFalse();
	}

	@Test
	void subjectCapturingTheJetStreamApiIsAStartupError() {
		this.runner.withPropertyValues("jetway.topology.streams.ALL.subjects=*.>").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(TopologyException.class)
				.hasMessageContaining("would capture the JetStream API")
				.hasMessageContaining("jetway.topology.streams.ALL.subjects[0]");
		});
	}

	@Test
	void invalidNamespaceIsAStartupError() {
		this.runner.withPropertyValues("jetway.namespace.subject-prefix=prod.*").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("jetway.namespace.subject-prefix");
		});
	}

}
