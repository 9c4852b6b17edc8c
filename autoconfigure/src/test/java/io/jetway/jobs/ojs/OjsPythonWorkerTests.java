package io.jetway.jobs.ojs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jetway.jobs.JobClient;
import io.jetway.jobs.JobOptions;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Python worker of docs/external-workers.md, taken from the page as it is, processes
 * 1,000 jobs over plain HTTP with a worker token.
 */
class OjsPythonWorkerTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static final int JOBS = 1000;

	@Test
	void thePythonWorkerOfTheDocsProcessesAThousandJobs(@TempDir Path directory) throws Exception {
		Path worker = directory.resolve("ojs_worker.py");
		Files.writeString(worker, pythonBlock(Files.readString(Path.of("../docs/external-workers.md"))));
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		try (OjsTestApplication app = OjsTestApplication.start(database, nats.url(),
				"jetway.jobs.ojs.require-worker-token=true", "jetway.jobs.ojs.admin-key=k")) {
			String token = app.header("X-Jetway-Admin-Key", "k")
				.post("/ojs/v1/admin/worker-tokens", Map.of("name", "python", "queues", List.of("py")))
				.text("/token");
			JobClient jobs = app.context().getBean(JobClient.class);
			app.context().getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				for (int i = 0; i < JOBS; i++) {
					jobs.enqueue("test.echo", List.of(i), JobOptions.builder().queue("py").build());
				}
			});
			ProcessBuilder builder = new ProcessBuilder("python3", worker.toString()).redirectErrorStream(true)
				.redirectOutput(directory.resolve("worker.log").toFile())
				.directory(directory.toFile());
			builder.environment()
				.putAll(Map.of("OJS_URL", app.url(), "OJS_TOKEN", token, "OJS_QUEUES", "py", "OJS_MAX_JOBS",
						String.valueOf(JOBS)));
			Process python = builder.start();
			boolean exited = python.waitFor(3, TimeUnit.MINUTES);
			String log = Files.readString(directory.resolve("worker.log"));
			if (!exited) {
				python.destroyForcibly();
			}
			assertThat(exited).as(log).isTrue();
			assertThat(python.exitValue()).as(log).isZero();
			assertThat(log).contains("processed " + JOBS);
			JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM jetway_jobs WHERE queue = 'py' AND status = "
					+ "'completed' AND attempts = 1 AND result LIKE '{\"echo\":[%]}'", Integer.class))
				.isEqualTo(JOBS);
		}
		finally {
			OjsTestApplication.reset(database, nats.url());
		}
	}

	static String pythonBlock(String markdown) {
		int start = markdown.indexOf("```python\n");
		assertThat(start).as("a ```python block in docs/external-workers.md").isNotNegative();
		int end = markdown.indexOf("```", start + 10);
		return markdown.substring(start + 10, end);
	}

}
