package io.jetway.jobs.ojs;

import io.jetway.support.JetwayConfigurationException;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The producer endpoints (PUSH, INFO, CANCEL, queues, dead letters) have no
 * authentication of their own: without Spring Security on the class path, OJS starts only
 * when the user says so explicitly: either that the application protects them itself, or
 * that they may be open, which warns.
 */
@ExtendWith(OutputCaptureExtension.class)
class OjsProducerAuthenticationTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	@Test
	void startupFailsWithoutSpringSecurityUnlessUnauthenticatedProducersAreAllowed() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		try {
			assertThatThrownBy(() -> OjsTestApplication
				.start(database, nats.url(), "jetway.jobs.ojs.allow-unauthenticated-producers=false")
				.close()).hasRootCauseInstanceOf(JetwayConfigurationException.class)
				.rootCause()
				.hasMessageContaining("jetway.jobs.ojs.allow-unauthenticated-producers");
		}
		finally {
			OjsTestApplication.reset(database, nats.url());
		}
	}

	@Test
	void allowingUnauthenticatedProducersLogsAWarning(CapturedOutput output) throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		try (OjsTestApplication app = OjsTestApplication.start(database, nats.url(),
				"jetway.jobs.ojs.allow-unauthenticated-producers=true")) {
			assertThat(output.getOut()).containsPattern("WARN.*jetway.jobs.ojs.allow-unauthenticated-producers");
		}
		finally {
			OjsTestApplication.reset(database, nats.url());
		}
	}

	@Test
	void anApplicationThatProtectsTheProducerEndpointsItselfStartsWithoutSpringSecurityAndWithoutWarning(
			CapturedOutput output) throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		try (OjsTestApplication app = OjsTestApplication.start(database, nats.url(),
				"jetway.jobs.ojs.allow-unauthenticated-producers=false",
				"jetway.jobs.ojs.producers-protected-by-application=true")) {
			assertThat(output.getOut()).doesNotContainPattern("WARN.*jetway.jobs.ojs.allow-unauthenticated-producers")
				.containsPattern("INFO.*jetway.jobs.ojs.producers-protected-by-application=true");
		}
		finally {
			OjsTestApplication.reset(database, nats.url());
		}
	}

}
