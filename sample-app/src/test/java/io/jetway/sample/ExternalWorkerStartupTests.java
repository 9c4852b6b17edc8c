package io.jetway.sample;

import java.util.stream.Stream;

import io.jetway.sample.api.OjsProducerKeyFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Startup checks of the sample's external workers, each naming the property: the filter
 * on the OJS producer endpoints relies on an admin key that nobody else holds and on
 * worker tokens for the calls it lets through, and a job type sent to an external queue
 * must have no in-process handler.
 */
@ExtendWith(OutputCaptureExtension.class)
class ExternalWorkerStartupTests {

	@Test
	void anEmptyAdminKeyFailsStartup() {
		assertStartupFails("jetway.jobs.ojs.admin-key must have at least 8 characters (it is 0 long)",
				"jetway.jobs.ojs.admin-key=");
	}

	@Test
	void aShortAdminKeyFailsStartup() {
		assertStartupFails("jetway.jobs.ojs.admin-key must have at least 8 characters (it is 7 long)",
				"jetway.jobs.ojs.admin-key=abcdefg");
	}

	@Test
	void anAdminKeyThatIsAnApiKeyFailsStartup() {
		assertStartupFails("jetway.jobs.ojs.admin-key is the key of sample.api.keys.acme-dev.key as well",
				"jetway.jobs.ojs.admin-key=shared-key-123", "sample.api.keys.acme-dev.key=shared-key-123");
	}

	@Test
	void workerCallsWithoutWorkerTokensFailStartup() {
		assertStartupFails("jetway.jobs.ojs.require-worker-token is false",
				"jetway.jobs.ojs.require-worker-token=false");
	}

	@Test
	void aTypeWithAnInProcessHandlerListedForAnExternalQueueFailsStartup() {
		assertStartupFails("sample.api.external-queues.thumbnails lists job type 'echo', which an in-process "
				+ "@JobHandler runs", "sample.api.external-queues.thumbnails=render_thumbnail,echo");
	}

	@Test
	void theConformanceProfileStartsWithoutTheFilterAndWarns(CapturedOutput output) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class,
				SampleTestInfrastructure.class)
			.web(WebApplicationType.SERVLET)
			.run("--server.port=0", "--spring.profiles.active=ojs-conformance")) {
			assertThat(context.getBeansOfType(OjsProducerKeyFilter.class)).isEmpty();
			assertThat(output.getOut()).containsPattern("WARN.*jetway.jobs.ojs.allow-unauthenticated-producers=true");
		}
	}

	private static void assertStartupFails(String message, String... properties) {
		Throwable thrown = catchThrowable(
				() -> new SpringApplicationBuilder(SampleApplication.class, SampleTestInfrastructure.class)
					.web(WebApplicationType.SERVLET)
					// command-line arguments: they win over application.yml, unlike
					// default
					// properties
					.run(Stream.concat(Stream.of("server.port=0"), Stream.of(properties))
						.map((property) -> "--" + property)
						.toArray(String[]::new))
					.close());
		assertThat(thrown).isNotNull();
		assertThat(NestedExceptionUtils.getMostSpecificCause(thrown)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining(message);
	}

}
