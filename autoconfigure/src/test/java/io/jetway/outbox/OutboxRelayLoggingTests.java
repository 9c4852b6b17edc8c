package io.jetway.outbox;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.test.net.FaultProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.jetway.outbox.OutboxTestSupport.contextRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * While the database is unreachable the relay fails every poll interval: it logs the
 * first failure with its stack trace and then at most one warning a minute, not a stack
 * trace per tick; and one line when it works again.
 */
@ExtendWith(OutputCaptureExtension.class)
class OutboxRelayLoggingTests {

	private static final Pattern RELAY_FAILED = Pattern.compile("WARN .*The outbox relay failed");

	/**
	 * The relay's warning, the failure's first line, then its stack frames (Spring Boot's
	 * log format, which a context of an earlier test may have set up, puts a blank line
	 * before the failure).
	 */
	private static final Pattern RELAY_FAILED_WITH_STACK_TRACE = Pattern
		.compile("WARN .*The outbox relay failed[^\\n]*\\R(?:[ \\t]*\\R)?[^\\n]+\\R\\s+at ");

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private final FaultProxy proxy = FaultProxy.to("127.0.0.1", 5432);

	@AfterEach
	void closeProxy() {
		this.proxy.close();
	}

	@Test
	void aDatabaseOutageIsLoggedOnceAMinuteWithOneStackTrace(CapturedOutput output) throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		OutboxTestSupport.reset(database, nats.url());
		String proxiedUrl = this.proxy.through(database.url());
		contextRunner(database, nats.url())
			.withPropertyValues("spring.datasource.url=" + proxiedUrl,
					"spring.datasource.hikari.connection-timeout=250", "jetway.outbox.relay.poll-interval=100ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				int before = output.length();
				this.proxy.cut();
				await().atMost(Duration.ofSeconds(10)).until(() -> count(RELAY_FAILED, output, before) >= 1);
				// about ten failing polls a second for three seconds: still one warning
				await().during(Duration.ofSeconds(3))
					.atMost(Duration.ofSeconds(5))
					.until(() -> count(RELAY_FAILED, output, before) == 1);
				String outage = output.toString().substring(before);
				assertThat(count(RELAY_FAILED_WITH_STACK_TRACE, output, before)).as(outage).isEqualTo(1);
				this.proxy.heal();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> output.toString().substring(before).contains("The outbox relay works again"));
			});
	}

	private static int count(Pattern pattern, CapturedOutput output, int from) {
		Matcher matcher = pattern.matcher(output.toString().substring(from));
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

}
