package io.jetway.faulttests;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.jetway.faulttests.workload.OperationCreated;
import io.jetway.test.nats.NatsServerProcess;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 7 of docs/reliability.md: poison messages mixed into the workload's stream
 * twice mid-run (malformed JSON, a wrong type, an array, an operation that does not
 * exist, 1 MB of garbage, garbage from a foreign producer without any header) and valid
 * events from that foreign producer. The poison reaches the dead-letter stream, the
 * consumer never stalls, every good message is handled once.
 */
class PoisonMessageScenarios {

	private static final int FOREIGN_EVENTS_PER_ROUND = 3;

	@Test
	void poisonMessagesReachTheDeadLetterStreamAndNothingStalls() throws Exception {
		try (NatsServerProcess nats = NatsServers.machine().start();
				WorkloadRun run = new WorkloadRun("poison messages", NatsServers.machine().version(),
						ScenarioDatabase.shared(), Duration.ZERO);
				io.nats.client.Connection producer = Nats.connect(nats.url())) {
			run.startInstance("app", nats.url());
			JetStream jetStream = producer.jetStream();
			int poison = 0;
			for (int round = 1; round <= 2; round++) {
				run.awaitProgress(run.operations() * round / 3);
				long firstForeign = run.operations() + (round - 1) * FOREIGN_EVENTS_PER_ROUND + 1;
				Instant injected = Instant.now();
				commitForeignOperations(run.database(), firstForeign, FOREIGN_EVENTS_PER_ROUND);
				run.expectForeignOperations(FOREIGN_EVENTS_PER_ROUND);
				poison += publishPoison(jetStream);
				for (long id = firstForeign; id < firstForeign + FOREIGN_EVENTS_PER_ROUND; id++) {
					// a foreign producer: no Nats-Msg-Id, no CloudEvents headers
					jetStream.publish(OperationCreated.SUBJECT,
							("{\"operationId\":" + id + "}").getBytes(StandardCharsets.UTF_8));
				}
				run.recordFault(new FaultWindow("poison round " + round, injected, Instant.now()));
			}
			RunResult result = run.finish(nats.url());
			result.assertHolds(run.expectedOperations(), run.operations(), poison);
			assertThat(result.recovery()).as("longest wait of a good message behind poison")
				.isLessThan(Duration.ofSeconds(15));
		}
	}

	private static int publishPoison(JetStream jetStream) throws Exception {
		byte[] megabyte = new byte[1_000_000];
		Arrays.fill(megabyte, (byte) 'x');
		List<byte[]> withJetwayHeaders = List.of(bytes("{\"operationId\": 12"), bytes("{\"operationId\":\"twelve\"}"),
				bytes("[1,2,3]"), bytes("{\"operationId\":-1}"), megabyte);
		for (byte[] body : withJetwayHeaders) {
			Headers headers = new Headers().add("Nats-Msg-Id", UUID.randomUUID().toString())
				.add("ce-type", OperationCreated.SUBJECT)
				.add("content-type", "application/json");
			jetStream
				.publish(NatsMessage.builder().subject(OperationCreated.SUBJECT).headers(headers).data(body).build());
		}
		jetStream.publish(OperationCreated.SUBJECT, bytes("not json at all"));
		return withJetwayHeaders.size() + 1;
	}

	private static void commitForeignOperations(DataSource dataSource, long first, int count) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement insert = connection
					.prepareStatement("INSERT INTO workload_operations (id) VALUES (?)")) {
			for (long id = first; id < first + count; id++) {
				insert.setLong(1, id);
				insert.addBatch();
			}
			insert.executeBatch();
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
