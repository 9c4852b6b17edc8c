package io.jetway.consumer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.publish.JetwayPublisher;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.jetway.consumer.ConsumerTestSupport.contextRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead-lettering while the dead-letter stream cannot store anything: the message stays
 * redeliverable and ends in the dead-letter stream once, after it works again.
 */
class DeadLetterOutageTests {

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
	void messageWhoseDeadLetterCannotBeStoredOnItsLastDeliveryIsDeadLetteredOnceTheStreamIsBack() {
		contextRunner(this.database, nats.url()).withUserConfiguration(AlwaysFailingListener.class)
			.withPropertyValues("jetway.consumers.always-failing.stream=ORDERS",
					"jetway.consumers.always-failing.max-deliver=2", "jetway.consumers.always-failing.backoff=300ms",
					"jetway.consumers.always-failing.ack-wait=1s")
			.run((context) -> {
				JetStreamManagement management = context.getBean(JetStreamManagement.class);
				StreamConfiguration deadLetterStream = management.getStreamInfo("JETWAY_DLQ").getConfiguration();
				// dead-letter publishes fail: nothing captures jetway.dlq.> any more
				management.deleteStream("JETWAY_DLQ");
				context.getBean(JetwayPublisher.class).publish("orders.created", "{\"id\":\"doomed\"}");
				AlwaysFailingListener listener = context.getBean(AlwaysFailingListener.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> listener.calls.get() == 2);
				// the last delivery failed and its dead letter could not be stored; the
				// message is delivered (and its dead letter tried) three more times
				// before
				// the dead-letter stream comes back
				await().atMost(Duration.ofSeconds(15))
					.until(() -> management.getConsumerInfo("ORDERS", "always-failing")
						.getDelivered()
						.getConsumerSequence() >= 5);
				management.addStream(deadLetterStream);
				await().atMost(Duration.ofSeconds(15)).until(() -> messages(management, "JETWAY_DLQ") == 1);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> management.getConsumerInfo("ORDERS", "always-failing").getNumAckPending() == 0);
				await().during(Duration.ofSeconds(2))
					.atMost(Duration.ofSeconds(3))
					.until(() -> messages(management, "JETWAY_DLQ") == 1);
				DeadLetter deadLetter = context.getBean(DeadLetters.class).list(10).get(0);
				assertThat(deadLetter.consumer()).isEqualTo("always-failing");
				assertThat(new String(deadLetter.body())).isEqualTo("{\"id\":\"doomed\"}");
				// the handler is not called beyond max-deliver
				assertThat(listener.calls.get()).isEqualTo(2);
			});
	}

	@Test
	void durableCreatedWithAServerSideMaxDeliverIsUpdatedToUnlimitedSoJetwayDecides() throws Exception {
		contextRunner(this.database, nats.url()).withUserConfiguration(AlwaysFailingListener.class)
			.withPropertyValues("jetway.consumers.always-failing.stream=ORDERS",
					"jetway.consumers.always-failing.max-deliver=3",
					"jetway.consumers.always-failing.auto-startup=false")
			.run((context) -> {
				JetStreamManagement management = context.getBean(JetStreamManagement.class);
				assertThat(management.getConsumerInfo("ORDERS", "always-failing")
					.getConsumerConfiguration()
					.getMaxDeliver()).isEqualTo(-1);
				// as an earlier Jetway left it
				management.deleteConsumer("ORDERS", "always-failing");
				management.addOrUpdateConsumer("ORDERS",
						ConsumerConfiguration.builder()
							.durable("always-failing")
							.ackPolicy(AckPolicy.Explicit)
							.ackWait(Duration.ofSeconds(30))
							.maxDeliver(3)
							.maxAckPending(1000)
							.build());
				ListenerContainer container = context.getBean(JetStreamListenerRegistry.class)
					.getContainer("always-failing");
				container.stop();
				container.start();
				assertThat(management.getConsumerInfo("ORDERS", "always-failing")
					.getConsumerConfiguration()
					.getMaxDeliver()).isEqualTo(-1);
			});
	}

	@Test
	void deadLetterTooLargeForTheDeadLetterStreamIsStoredWithoutItsBody() {
		contextRunner(this.database, nats.url()).withUserConfiguration(AlwaysFailingListener.class)
			.withPropertyValues("jetway.consumers.always-failing.stream=ORDERS",
					"jetway.consumers.always-failing.max-deliver=1", "jetway.consumers.always-failing.ack-wait=1s")
			.run((context) -> {
				JetStreamManagement management = context.getBean(JetStreamManagement.class);
				StreamConfiguration deadLetterStream = management.getStreamInfo("JETWAY_DLQ").getConfiguration();
				management.updateStream(StreamConfiguration.builder(deadLetterStream).maxMsgSize(2000).build());
				String body = "\"" + "x".repeat(1998) + "\"";
				context.getBean(JetwayPublisher.class).publish("orders.created", body);
				await().atMost(Duration.ofSeconds(10)).until(() -> messages(management, "JETWAY_DLQ") == 1);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> management.getConsumerInfo("ORDERS", "always-failing").getNumAckPending() == 0);
				DeadLetter deadLetter = context.getBean(DeadLetters.class).list(10).get(0);
				assertThat(deadLetter.body()).isEmpty();
				assertThat(deadLetter.headers().getFirst(DeadLetterHeaders.BODY_OMITTED)).isEqualTo("2000");
				assertThat(deadLetter.exception()).isEqualTo(IllegalStateException.class.getName());
				assertThat(context.getBean(AlwaysFailingListener.class).calls.get()).isEqualTo(1);
			});
	}

	private static long messages(JetStreamManagement management, String stream) {
		try {
			StreamInfo info = management.getStreamInfo(stream);
			return info.getStreamState().getMsgCount();
		}
		catch (Exception ex) {
			return -1;
		}
	}

	static class AlwaysFailingListener {

		final AtomicInteger calls = new AtomicInteger();

		@JetStreamListener("always-failing")
		void on(String body) {
			this.calls.incrementAndGet();
			throw new IllegalStateException("always broken");
		}

	}

}
