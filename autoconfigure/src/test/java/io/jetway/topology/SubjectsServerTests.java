package io.jetway.topology;

import java.util.Random;

import io.nats.client.JetStreamApiException;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jetway.test.nats.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

/**
 * Checks {@link Subjects} and the server rules the planner relies on against a real
 * nats-server.
 */
class SubjectsServerTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	private ServerStreams server;

	@BeforeEach
	void connect() throws Exception {
		this.server = ServerStreams.connect(nats);
	}

	@AfterEach
	void cleanUp() throws Exception {
		this.server.close();
	}

	@Test
	void serverAcceptsASecondStreamExactlyWhenSubjectsDoNotOverlap() throws Exception {
		Random random = new Random(2024);
		int overlapping = 0;
		for (int i = 0; i < 60; i++) {
			// under a fixed first token: a stream on '*.>' or '>' would capture the
			// JetStream API itself
			String first = "t." + SubjectSamples.random(random);
			String second = "t." + SubjectSamples.random(random);
			this.server.create("A", first);
			boolean accepted;
			try {
				this.server.create("B", second);
				accepted = true;
			}
			catch (JetStreamApiException ex) {
				assertThat(ex.getApiErrorCode()).as("'%s' then '%s': %s", first, second, ex.getMessage())
					.isEqualTo(10065);
				accepted = false;
			}
			assertThat(accepted).as("server accepts '%s' next to '%s'", second, first)
				.isEqualTo(!Subjects.overlaps(first, second));
			overlapping += accepted ? 0 : 1;
			this.server.deleteAll();
		}
		assertThat(overlapping).as("sample holds both outcomes").isBetween(5, 55);
	}

	@Test
	void streamOnLeadingWildcardCapturesTheJetStreamApi() throws Exception {
		this.server.create("GREEDY", "*.>");
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> this.server.create("OTHER", "other"));
		assertThat(Subjects.overlaps("*.>", TargetStream.JETSTREAM_API)).isTrue();
	}

	@Test
	void serverRefusesAStreamWhoseOwnSubjectsOverlap() {
		for (String[] subjects : new String[][] { { "orders.>", "orders.created" }, { "a.*.c", "a.b.*" } }) {
			assertThatExceptionOfType(JetStreamApiException.class)
				.isThrownBy(() -> this.server.create("SELF", subjects))
				.satisfies((ex) -> assertThat(ex.getApiErrorCode()).isEqualTo(10052))
				.withMessageContaining("overlaps");
		}
	}

	@Test
	void retentionChangesInPlaceOnlyBetweenLimitsAndInterestAndOnlyFrom210() throws Exception {
		this.server.create(StreamConfiguration.builder()
			.name("R")
			.subjects("r.>")
			.retentionPolicy(RetentionPolicy.Limits)
			.build());
		boolean changeable = this.server.connection().getServerInfo().isSameOrNewerThanVersion("2.10.0");
		try {
			this.server.management()
				.updateStream(StreamConfiguration.builder(this.server.stream("R"))
					.retentionPolicy(RetentionPolicy.Interest)
					.build());
			assertThat(changeable).as("limits -> interest accepted").isTrue();
		}
		catch (JetStreamApiException ex) {
			assertThat(changeable).as("limits -> interest refused: " + ex.getMessage()).isFalse();
		}
		try {
			this.server.management()
				.updateStream(StreamConfiguration.builder(this.server.stream("R"))
					.retentionPolicy(RetentionPolicy.WorkQueue)
					.build());
			fail("work-queue accepted");
		}
		catch (JetStreamApiException ex) {
			assertThat(ex.getMessage()).contains("retention");
		}
	}

}
