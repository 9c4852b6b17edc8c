package io.jetway.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.consumer.DeadLetterPublisher.FailedMessage;
import io.jetway.publish.JetwayHeaders;
import io.jetway.publish.JetwayPublisher;
import io.jetway.publish.OutgoingMessage;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link DeadLetters#find} reads the dead letter of one message directly, by its subject,
 * however many other dead letters the stream holds. Real nats-server.
 */
class DeadLetterLookupTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private TestDatabaseInstance database;

	@BeforeEach
	void reset() throws Exception {
		this.database = databases.get(TestDatabase.H2);
		ConsumerTestSupport.reset(this.database, nats.url());
	}

	@Test
	void findsTheDeadLetterOfAMessageAmongManyWithOneRead() throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			JetStreamManagement management = connection.jetStreamManagement();
			management.addStream(StreamConfiguration.builder().name("JETWAY_DLQ").subjects("jetway.dlq.>").build());
			DeadLetterPublisher publisher = new DeadLetterPublisher(connection.jetStream(), Clock.systemUTC());
			String wanted = UUID.randomUUID().toString();
			for (int i = 0; i < 400; i++) {
				String id = (i == 200) ? wanted : UUID.randomUUID().toString();
				String consumer = (i % 2 == 0) ? "invoices" : "emails";
				publisher.publish("jetway.dlq.ORDERS." + consumer + "." + DeadLetters.messageIdToken(id),
						failed(id, i, consumer));
			}
			// the same message dead-lettered by another consumer
			publisher.publish("jetway.dlq.ORDERS.emails." + DeadLetters.messageIdToken(wanted),
					failed(wanted, 1000, "emails"));
			List<String> calls = new CopyOnWriteArrayList<>();
			DeadLetters deadLetters = new DeadLetters(counting(management, calls), connection.jetStream(), "JETWAY_DLQ",
					"jetway.dlq");

			DeadLetter found = deadLetters.find("ORDERS", "invoices", wanted).orElseThrow();

			assertThat(found.originalSequence()).isEqualTo(200);
			assertThat(found.consumer()).isEqualTo("invoices");
			assertThat(found.headers().getFirst(DeadLetterHeaders.MESSAGE_ID)).isEqualTo(wanted);
			assertThat(new String(found.body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":200}");
			assertThat(found.sequence()).isEqualTo(201);
			// one call in total: no stream info, no subject listing, no other read
			assertThat(calls).containsExactly("getLastMessage");
			assertThat(deadLetters.find("ORDERS", "emails", wanted).orElseThrow().originalSequence()).isEqualTo(1000);
			assertThat(deadLetters.find("ORDERS", "invoices", UUID.randomUUID().toString())).isEmpty();
			assertThat(deadLetters.find("PAYMENTS", "invoices", wanted)).isEmpty();
			assertThat(calls).containsExactly("getLastMessage", "getLastMessage", "getLastMessage", "getLastMessage");
		}
	}

	@Test
	void listingSkipsDiscardedDeadLettersInsteadOfReadingEverySequence() throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			JetStreamManagement management = connection.jetStreamManagement();
			management.addStream(StreamConfiguration.builder().name("JETWAY_DLQ").subjects("jetway.dlq.>").build());
			DeadLetterPublisher publisher = new DeadLetterPublisher(connection.jetStream(), Clock.systemUTC());
			for (int i = 1; i <= 300; i++) {
				String id = UUID.randomUUID().toString();
				publisher.publish("jetway.dlq.ORDERS.invoices." + DeadLetters.messageIdToken(id),
						failed(id, i, "invoices"));
			}
			DeadLetters plain = new DeadLetters(management, connection.jetStream(), "JETWAY_DLQ", "jetway.dlq");
			for (long sequence = 1; sequence <= 300; sequence++) {
				if (sequence != 150 && sequence <= 290) {
					plain.discard(sequence);
				}
			}
			List<String> calls = new CopyOnWriteArrayList<>();
			DeadLetters deadLetters = new DeadLetters(counting(management, calls), connection.jetStream(), "JETWAY_DLQ",
					"jetway.dlq");

			assertThat(deadLetters.list(100)).extracting(DeadLetter::sequence)
				.containsExactly(150L, 291L, 292L, 293L, 294L, 295L, 296L, 297L, 298L, 299L, 300L);
			// a read per dead letter found and one that finds none: the 289 discarded
			// sequences cost nothing
			assertThat(calls).hasSizeLessThanOrEqualTo(13);
			calls.clear();
			assertThat(deadLetters.listAfter(292, (deadLetter) -> true, 3)).extracting(DeadLetter::sequence)
				.containsExactly(293L, 294L, 295L);
			assertThat(calls).containsExactly("getStreamInfo", "getNextMessage", "getNextMessage", "getNextMessage");
			assertThat(deadLetters.listAfter(300, (deadLetter) -> true, 3)).isEmpty();
		}
	}

	@Test
	void aListingEndsAtTheDeadLettersStoredWhenItBegan() throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			JetStreamManagement management = connection.jetStreamManagement();
			management.addStream(StreamConfiguration.builder().name("JETWAY_DLQ").subjects("jetway.dlq.>").build());
			DeadLetterPublisher publisher = new DeadLetterPublisher(connection.jetStream(), Clock.systemUTC());
			for (int i = 1; i <= 5; i++) {
				publisher.publish("jetway.dlq.ORDERS.invoices." + i,
						failed(UUID.randomUUID().toString(), i, "invoices"));
			}
			// a consumer dead-letters a message before every read of the listing
			AtomicInteger stored = new AtomicInteger(5);
			DeadLetters deadLetters = new DeadLetters(ConsumerTestSupport.watched(management, (method) -> {
				if (method.equals("getNextMessage") && stored.get() < 50) {
					int n = stored.incrementAndGet();
					publisher.publish("jetway.dlq.ORDERS.invoices." + n,
							failed(UUID.randomUUID().toString(), n, "invoices"));
				}
			}), connection.jetStream(), "JETWAY_DLQ", "jetway.dlq");

			assertThat(deadLetters.list(Integer.MAX_VALUE)).extracting(DeadLetter::sequence)
				.containsExactly(1L, 2L, 3L, 4L, 5L);
		}
	}

	@Test
	void aListenerDeadLettersUnderTheMessageIdsSubjectAndACustomSubjectStaysAsItIs() {
		contextRunner(this.database, nats.url())
			.withUserConfiguration(DeadLetterOutageTests.AlwaysFailingListener.class)
			.withPropertyValues("jetway.consumers.always-failing.stream=ORDERS",
					"jetway.consumers.always-failing.max-deliver=1",
					"jetway.topology.streams.CUSTOM_DLQ.subjects=custom-dlq", "jetway.consumers.custom.stream=ORDERS",
					"jetway.consumers.custom.max-deliver=1", "jetway.consumers.custom.dead-letter-subject=custom-dlq")
			.withBean(CustomListener.class)
			.run((context) -> {
				UUID id = UUID.randomUUID();
				context.getBean(JetwayPublisher.class)
					.publish(OutgoingMessage.builder("orders.created", "{\"id\":\"doomed\"}").id(id).build());
				DeadLetters deadLetters = context.getBean(DeadLetters.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> deadLetters.find("ORDERS", "always-failing", id.toString()).isPresent());
				DeadLetter found = deadLetters.find("ORDERS", "always-failing", id.toString()).orElseThrow();
				assertThat(found.error()).isEqualTo("always broken");
				assertThat(deadLetters.list(10)).hasSize(1);
				JetStreamManagement management = context.getBean(JetStreamManagement.class);
				assertThat(management.getMessage("JETWAY_DLQ", found.sequence()).getSubject())
					.isEqualTo("jetway.dlq.ORDERS.always-failing." + DeadLetters.messageIdToken(id.toString()));
				await().atMost(Duration.ofSeconds(10))
					.until(() -> management.getStreamInfo("CUSTOM_DLQ").getStreamState().getMsgCount() == 1);
				assertThat(management.getLastMessage("CUSTOM_DLQ", "custom-dlq")
					.getHeaders()
					.getFirst(DeadLetterHeaders.MESSAGE_ID)).isEqualTo(id.toString());
			});
	}

	@Test
	void messageIdTokensAreValidSubjectTokensWhateverTheId() {
		for (String id : List.of("a.b.c", "x y", "*", ">", "ORDERS:17", "ünïcödé")) {
			assertThat(DeadLetters.messageIdToken(id)).matches("[A-Za-z0-9_-]{22}");
		}
		assertThat(Set.of(DeadLetters.messageIdToken("a"), DeadLetters.messageIdToken("b"))).hasSize(2);
	}

	private static FailedMessage failed(String id, long sequence, String consumer) {
		Headers headers = new Headers().put(JetwayHeaders.NATS_MSG_ID, id);
		return new FailedMessage("orders.created", "ORDERS", sequence, consumer, 3, "java.lang.IllegalStateException",
				"broken " + sequence, ("{\"n\":" + sequence + "}").getBytes(StandardCharsets.UTF_8), headers);
	}

	/**
	 * The real {@link JetStreamManagement}, recording every call that goes through it.
	 */
	private static JetStreamManagement counting(JetStreamManagement management, List<String> calls) {
		return ConsumerTestSupport.watched(management, calls::add);
	}

	static class CustomListener {

		@JetStreamListener("custom")
		void on(String body) {
			throw new IllegalStateException("custom broken");
		}

	}

}
