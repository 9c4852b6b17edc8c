package io.jetway.benchmarks;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import io.jetway.support.MessageIds;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * (b) The physical limit of the outbox's whole work, by hand with plain JDBC and jnats:
 * one producer thread inserts {@value #BATCH} rows per transaction (one JDBC batch) into
 * Jetway's {@code jetway_outbox} table; one relay thread loops, in one transaction each
 * time: claim up to {@value #BATCH} pending rows with {@code FOR UPDATE SKIP LOCKED},
 * publish them asynchronously with {@code Nats-Msg-Id}, await every PubAck, mark them
 * sent in one batch, commit.
 */
final class PlainPipelineScenario {

	static final int BATCH = 100;

	static final String SCHEMA = "io/jetway/jdbc/schema-postgresql.sql";

	private static final String INSERT = "INSERT INTO jetway_outbox "
			+ "(id, subject, payload, headers, status, attempts, created_at, available_at) "
			+ "VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)";

	private static final String CLAIM = "SELECT id, subject, payload FROM jetway_outbox WHERE status = 'pending' "
			+ "ORDER BY available_at, id LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED";

	private static final String MARK_SENT = "UPDATE jetway_outbox SET status = 'sent', attempts = attempts + 1, "
			+ "sent_at = ?, stream = ?, stream_seq = ? WHERE id = ?";

	private PlainPipelineScenario() {
	}

	static ScenarioResult run(String natsUrl, BenchmarkOptions options) throws Exception {
		try (TestDatabaseInstance database = TestDatabase.POSTGRESQL.create();
				Connection connection = BenchStream.connect(natsUrl)) {
			BenchStream.recreate(connection);
			DataSource dataSource = database.dataSource();
			new ResourceDatabasePopulator(new ClassPathResource(SCHEMA)).execute(dataSource);
			JetStream jetStream = connection.jetStream();
			runPipeline(dataSource, jetStream, 0, options.warmUpEvents());
			long elapsed = runPipeline(dataSource, jetStream, options.warmUpEvents(), options.events());
			BenchStream.expectMessages(connection, options.warmUpEvents() + options.events(), "(b)");
			return new ScenarioResult(options.events(), elapsed);
		}
	}

	/**
	 * @return nanoseconds from the first insert to the last row marked sent
	 */
	private static long runPipeline(DataSource dataSource, JetStream jetStream, long first, int count)
			throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			long start = System.nanoTime();
			Future<?> producer = threads.submit(() -> produce(dataSource, first, count));
			Future<Long> relay = threads.submit(() -> relay(dataSource, jetStream, count));
			producer.get();
			return relay.get() - start;
		}
		finally {
			threads.shutdownNow();
		}
	}

	private static Void produce(DataSource dataSource, long first, int count) throws Exception {
		try (java.sql.Connection connection = dataSource.getConnection();
				PreparedStatement insert = connection.prepareStatement(INSERT)) {
			connection.setAutoCommit(false);
			for (long sequence = first; sequence < first + count;) {
				OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
				long end = Math.min(first + count, sequence + BATCH);
				for (; sequence < end; sequence++) {
					insert.setObject(1, MessageIds.next());
					insert.setString(2, BenchEvent.SUBJECT);
					insert.setBytes(3, BenchEvent.of(sequence).toJson());
					insert.setString(4, "{}");
					insert.setObject(5, now);
					insert.setObject(6, now);
					insert.addBatch();
				}
				insert.executeBatch();
				connection.commit();
			}
		}
		return null;
	}

	/**
	 * @return when the last of {@code count} rows was marked sent
	 */
	private static long relay(DataSource dataSource, JetStream jetStream, int count) throws Exception {
		try (java.sql.Connection connection = dataSource.getConnection();
				PreparedStatement claim = connection.prepareStatement(CLAIM);
				PreparedStatement markSent = connection.prepareStatement(MARK_SENT)) {
			connection.setAutoCommit(false);
			long sent = 0;
			List<UUID> ids = new ArrayList<>(BATCH);
			List<CompletableFuture<PublishAck>> acks = new ArrayList<>(BATCH);
			while (sent < count) {
				ids.clear();
				acks.clear();
				try (ResultSet rows = claim.executeQuery()) {
					while (rows.next()) {
						UUID id = rows.getObject(1, UUID.class);
						ids.add(id);
						acks.add(jetStream.publishAsync(NatsMessage.builder()
							.subject(rows.getString(2))
							.headers(new Headers().put("Nats-Msg-Id", id.toString()))
							.data(rows.getBytes(3))
							.build()));
					}
				}
				if (ids.isEmpty()) {
					connection.commit();
					LockSupport.parkNanos(1_000_000);
					continue;
				}
				OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
				for (int i = 0; i < ids.size(); i++) {
					PublishAck ack = acks.get(i).get(10, TimeUnit.SECONDS);
					markSent.setObject(1, now);
					markSent.setString(2, ack.getStream());
					markSent.setLong(3, ack.getSeqno());
					markSent.setObject(4, ids.get(i));
					markSent.addBatch();
				}
				markSent.executeBatch();
				connection.commit();
				sent += ids.size();
			}
			return System.nanoTime();
		}
	}

}
