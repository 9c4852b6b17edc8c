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
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The producer endpoints (PUSH, INFO, CANCEL, queues, dead letters) have no
 * authentication of their own: without Spring Security on the class path, OJS starts only
 * when the application declares its own protection with an {@link OjsProducerGuard} bean,
 * or when they may be open, which always warns.
 */
@ExtendWith(OutputCaptureExtension.class)
class OjsProducerAuthenticationTests {

	/** Adds {@link Guard} to the application's sources. */
	private static final String GUARD = "spring.main.sources=" + Guard.class.getName();

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
				.hasMessageContaining("jetway.jobs.ojs.allow-unauthenticated-producers")
				.hasMessageContaining(OjsProducerGuard.class.getName());
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
	void anApplicationThatDeclaresAnOjsProducerGuardStartsWithoutSpringSecurityAndWithoutWarning(CapturedOutput output)
			throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		try (OjsTestApplication app = OjsTestApplication.start(database, nats.url(),
				"jetway.jobs.ojs.allow-unauthenticated-producers=false", GUARD)) {
			assertThat(output.getOut()).doesNotContainPattern("WARN.*jetway.jobs.ojs.allow-unauthenticated-producers")
				.containsPattern("INFO.*protected by the application \\(an OjsProducerGuard bean\\)");
		}
		finally {
			OjsTestApplication.reset(database, nats.url());
		}
	}

	@Test
	void theRemovedPropertyNoLongerStandsInForAGuard() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		try {
			assertThatThrownBy(() -> OjsTestApplication
				.start(database, nats.url(), "jetway.jobs.ojs.allow-unauthenticated-producers=false",
						"jetway.jobs.ojs.producers-protected-by-application=true")
				.close()).rootCause()
				.isInstanceOf(JetwayConfigurationException.class)
				.hasMessageContaining(OjsProducerGuard.class.getName())
				.hasMessageContaining("jetway.jobs.ojs.allow-unauthenticated-producers=true");
		}
		finally {
			OjsTestApplication.reset(database, nats.url());
		}
	}

	@Test
	void allowingUnauthenticatedProducersWarnsEvenWithAGuard(CapturedOutput output) throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		try (OjsTestApplication app = OjsTestApplication.start(database, nats.url(),
				"jetway.jobs.ojs.allow-unauthenticated-producers=true", GUARD)) {
			assertThat(output.getOut()).containsPattern("WARN.*jetway.jobs.ojs.allow-unauthenticated-producers=true");
		}
		finally {
			OjsTestApplication.reset(database, nats.url());
		}
	}

	@Test
	void aBasePathThatSpringMvcWouldNormaliseFailsStartupNamingTheProperty() throws Exception {
		TestDatabaseInstance database = databases.get(TestDatabase.POSTGRESQL);
		OjsTestApplication.reset(database, nats.url());
		try {
			assertThatThrownBy(
					() -> OjsTestApplication.start(database, nats.url(), "jetway.jobs.ojs.base-path=/ojs/").close())
				.rootCause()
				.isInstanceOf(JetwayConfigurationException.class)
				.hasMessageContaining("'/ojs/'")
				.hasMessageContaining("jetway.jobs.ojs.base-path");
		}
		finally {
			OjsTestApplication.reset(database, nats.url());
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Guard {

		@Bean
		OjsProducerGuard applicationsOwnProducerFilter() {
			return new OjsProducerGuard() {
			};
		}

	}

}
