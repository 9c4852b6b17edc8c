package io.jetway.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.Subscription;
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
import static org.awaitility.Awaitility.await;

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
		assertThat(Subjects.overlaps("*.>", TargetStream.JETSTREAM_API)).isTrue();
		if (this.server.connection().getServerInfo().isSameOrNewerThanVersion("2.10.0")) {
			// newer servers (2.15 does, 2.9 does not) refuse such a stream outright
			// unless
			// it never acknowledges
			assertThatExceptionOfType(JetStreamApiException.class).isThrownBy(() -> this.server.create("GREEDY", "*.>"))
				.satisfies((ex) -> assertThat(ex.getApiErrorCode()).isEqualTo(10052))
				.withMessageContaining("jetstream api");
			return;
		}
		this.server.create("GREEDY", "*.>");
		try {
			// an API request is now also stored by the stream, which answers with its
			// PubAck; which of the two replies comes first is a race, so collect both
			Connection connection = this.server.connection();
			String inbox = connection.createInbox();
			Subscription replies = connection.subscribe(inbox);
			connection.publish("$JS.API.STREAM.NAMES", inbox, "{}".getBytes(StandardCharsets.UTF_8));
			List<String> bodies = new ArrayList<>();
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				Message reply = replies.nextMessage(Duration.ofMillis(100));
				if (reply != null) {
					bodies.add(new String(reply.getData(), StandardCharsets.UTF_8));
				}
				return bodies.stream().anyMatch((body) -> body.contains("\"stream\":\"GREEDY\""));
			});
			assertThat(Subjects.overlaps("*.>", TargetStream.JETSTREAM_API)).isTrue();
		}
		finally {
			// its own deletion races the same way: until the API itself confirms it, or
			// answers that the stream is gone (10059)
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				try {
					return this.server.management().deleteStream("GREEDY");
				}
				catch (JetStreamApiException ex) {
					return ex.getApiErrorCode() == 10059;
				}
			});
		}
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
