package io.jetway.actuate;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.jetway.actuate.JetStreamReads.DeadLetterCounts;
import io.jetway.consumer.DeadLetters;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.topology.Namespace;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfoOptions;
import org.assertj.core.api.ThrowingConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JetStreamReads#deadLetters()} counts the dead letters per consumer while the
 * stream holds few subjects, and never asks for every subject of a large one (each
 * default dead letter has its own subject). Real nats-server.
 */
class DeadLetterCountsTests {

	private static final String PREFIX = "jetway.dlq.";

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@Test
	void countsPerConsumerFromTheSubjectsOfASmallStream() throws Exception {
		withDeadLetterStream((connection) -> {
			store(connection.jetStream(),
					List.of(PREFIX + "ORDERS.emails." + token(), PREFIX + "ORDERS.emails." + token(),
							PREFIX + "ORDERS.emails", PREFIX + "ORDERS.invoices." + token()));

			DeadLetterCounts counts = new JetStreamReads(connection, connection.jetStreamManagement(), Namespace.none())
				.deadLetters();

			assertThat(counts.total()).isEqualTo(4);
			assertThat(counts.byConsumer()).isEqualTo(Map.of("emails", 3L, "invoices", 1L));
			assertThat(counts.byConsumerCapped()).isFalse();
		});
	}

	@Test
	void readsOnlyTheTotalOfAStreamWithMoreSubjectsThanTheCap() throws Exception {
		withDeadLetterStream((connection) -> {
			List<String> subjects = new ArrayList<>();
			for (int i = 0; i <= JetStreamReads.BREAKDOWN_MAX_SUBJECTS; i++) {
				subjects.add(PREFIX + "ORDERS.emails." + token());
			}
			store(connection.jetStream(), subjects);
			List<String> subjectReads = new CopyOnWriteArrayList<>();

			DeadLetterCounts counts = new JetStreamReads(connection,
					recordingSubjectReads(connection.jetStreamManagement(), subjectReads), Namespace.none())
				.deadLetters();

			assertThat(subjectReads).isEmpty();
			assertThat(counts.total()).isEqualTo(subjects.size());
			assertThat(counts.byConsumer()).isEmpty();
			assertThat(counts.byConsumerCapped()).isTrue();
		});
	}

	@Test
	void creditsADefaultSubjectToItsConsumerAndAnyOtherToItsLastToken() {
		String token = token();
		assertThat(JetStreamReads.consumer(PREFIX + "ORDERS.emails." + token, PREFIX)).isEqualTo("emails");
		assertThat(JetStreamReads.consumer(PREFIX + "ORDERS.emails", PREFIX)).isEqualTo("emails");
		assertThat(JetStreamReads.consumer("failures.orders", PREFIX)).isEqualTo("orders");
		assertThat(JetStreamReads.consumer("custom-dlq", PREFIX)).isEqualTo("custom-dlq");
		assertThat(JetStreamReads.consumer(PREFIX + "custom.orders.failed", PREFIX)).isEqualTo("failed");
		assertThat(JetStreamReads.consumer(PREFIX + "custom.orders.failed.last", PREFIX)).isEqualTo("last");
	}

	/**
	 * Runs the code with a connection to the test's server and a JETWAY_DLQ stream that
	 * is deleted afterwards.
	 */
	private static void withDeadLetterStream(ThrowingConsumer<Connection> code) throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			JetStreamManagement management = connection.jetStreamManagement();
			management.addStream(StreamConfiguration.builder().name("JETWAY_DLQ").subjects("jetway.dlq.>").build());
			try {
				code.accept(connection);
			}
			finally {
				management.deleteStream("JETWAY_DLQ");
			}
		}
	}

	private static String token() {
		return DeadLetters.messageIdToken(UUID.randomUUID().toString());
	}

	private static void store(JetStream jetStream, List<String> subjects) throws Exception {
		List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
		for (String subject : subjects) {
			acks.add(jetStream.publishAsync(subject, "{}".getBytes()));
		}
		CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
	}

	/**
	 * The real {@link JetStreamManagement}, recording every stream info request that asks
	 * for subjects.
	 */
	private static JetStreamManagement recordingSubjectReads(JetStreamManagement management, List<String> reads) {
		return (JetStreamManagement) Proxy.newProxyInstance(JetStreamManagement.class.getClassLoader(),
				new Class<?>[] { JetStreamManagement.class }, (proxy, method, arguments) -> {
					if (arguments != null) {
						for (Object argument : arguments) {
							if (argument instanceof StreamInfoOptions options && options.getSubjectsFilter() != null) {
								reads.add(method.getName() + " " + options.getSubjectsFilter());
							}
						}
					}
					try {
						return method.invoke(management, arguments);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

}
