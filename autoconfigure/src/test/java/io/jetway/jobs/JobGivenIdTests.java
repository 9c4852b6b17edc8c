package io.jetway.jobs;

import java.time.Duration;
import java.util.UUID;

import io.jetway.jobs.JobMetaTests.Named;
import io.jetway.support.MessageIds;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A job enqueued with an id of the caller's ({@link JobOptions#id()}, OJS's
 * client-provided id) on every database: it is the job's id, and a second job with it is
 * refused without spoiling the caller's transaction.
 */
class JobGivenIdTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aGivenIdIsTheJobsIdAndASecondJobWithItIsRefused(TestDatabase type) throws Exception {
		JobMetaTests.runner(databases.get(type), nats.url()).run((context) -> {
			JobClient jobs = context.getBean(JobClient.class);
			UUID id = MessageIds.next();
			JobOptions later = JobOptions.builder().id(id).delay(Duration.ofHours(1)).build();
			assertThat(jobs.enqueue("remember-meta", new Named("first"), later)).isEqualTo(id);
			assertThat(jobs.status(id).orElseThrow().payload()).contains("first");

			assertThatExceptionOfType(DuplicateJobException.class)
				.isThrownBy(() -> jobs.enqueue("remember-meta", new Named("second"), later))
				.withMessageContaining(id.toString())
				.satisfies((ex) -> assertThat(ex.id()).isEqualTo(id));
			assertThat(jobs.status(id).orElseThrow().payload()).contains("first");

			// in a transaction: the duplicate is refused, the transaction's other job
			// commits
			UUID other = context.getBean(TransactionTemplate.class).execute((status) -> {
				UUID enqueued = jobs.enqueue("remember-meta", new Named("other"),
						JobOptions.builder().delay(Duration.ofHours(1)).build());
				assertThatExceptionOfType(DuplicateJobException.class)
					.isThrownBy(() -> jobs.enqueue("remember-meta", new Named("third"), later));
				return enqueued;
			});
			assertThat(jobs.status(other)).isPresent();
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM jetway_jobs", Integer.class)).isEqualTo(2);
			jdbc.update("DELETE FROM jetway_jobs");
		});
	}

}
