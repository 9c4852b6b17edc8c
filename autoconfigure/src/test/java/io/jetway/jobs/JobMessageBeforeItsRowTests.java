package io.jetway.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.jetway.jobs.JobMessages.JobMessage;
import io.jetway.jobs.JobRepository.NewJob;
import io.jetway.jobs.JobsTests.TestHandlers;
import io.jetway.publish.JetwayPublisher;
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

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A job's message that reaches a worker before the job's row is visible (a row committed
 * a moment after its message was sent) is asked again, not dropped at once: the job runs
 * when its row is there; a message whose row never comes is dropped after
 * {@link JobClaimer#MISSING_ROW_DELIVERIES} deliveries.
 */
class JobMessageBeforeItsRowTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@Test
	void aJobWhoseRowIsCommittedAfterItsMessageWasDeliveredRuns() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.H2);
		JobsTests.reset(database, nats.url());
		JobsTests.contextRunner(database, nats.url()).run((context) -> {
			UUID id = UUID.randomUUID();
			publishMessageOnly(context, id);
			// the worker got the message and found no row
			await().atMost(Duration.ofSeconds(10)).until(() -> deliveries() >= 2);
			Instant now = Instant.now();
			context.getBean(JobRepository.class)
				.insertAll(List.of(new NewJob(id, "greet", "default", JobState.PENDING, 3, "{\"name\":\"late row\"}",
						null, null, now, now, false, null, null)));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> context.getBean(JobClient.class)
					.status(id)
					.filter((status) -> status.status() == JobState.COMPLETED)
					.isPresent());
			assertThat(TestHandlers.greeted).containsExactly("late row");
		});
	}

	@Test
	void aMessageWhoseRowNeverComesIsDroppedAfterSomeDeliveries() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.H2);
		JobsTests.reset(database, nats.url());
		JobsTests.contextRunner(database, nats.url()).run((context) -> {
			publishMessageOnly(context, UUID.randomUUID());
			// 10 deliveries a second or more apart; slower on a loaded machine
			await().atMost(Duration.ofSeconds(60)).until(() -> TransactionBufferTests.jobMessagesSettled(nats.url()));
			assertThat(deliveries()).isEqualTo(JobClaimer.MISSING_ROW_DELIVERIES);
			assertThat(TestHandlers.greeted).isEmpty();
		});
	}

	/**
	 * Publishes the message of job {@code id} (type greet) without its row.
	 */
	private static void publishMessageOnly(AssertableApplicationContext context, UUID id) {
		String subject = context.getBean(JobSubjects.class).subject("default", null, "greet");
		JetwayPublisher publisher = context.getBean(JetwayPublisher.class);
		publisher.publish(
				JobMessages.message(new JobMessage(id, "greet", "default", null, Instant.now()), subject, id).build());
	}

	/**
	 * @return how many times the jobs stream's consumers delivered its messages
	 */
	private static long deliveries() throws Exception {
		try (Connection connection = Nats.connect(nats.url())) {
			JetStreamManagement management = connection.jetStreamManagement();
			long delivered = 0;
			for (ConsumerInfo consumer : management.getConsumers("JOBS")) {
				delivered += consumer.getDelivered().getConsumerSequence();
			}
			return delivered;
		}
	}

}
