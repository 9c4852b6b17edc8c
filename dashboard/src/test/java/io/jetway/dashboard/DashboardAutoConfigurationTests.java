package io.jetway.dashboard;

import io.jetway.actuate.JetwayOperationsAutoConfiguration;
import io.jetway.connection.NatsConnectionAutoConfiguration;
import io.jetway.test.nats.NatsServerExtension;
import io.jetway.topology.TopologyAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.web.csrf.CsrfToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the dashboard is served: on with Spring Security unless switched off, off without
 * it unless switched on (with a WARN), never outside a servlet web application; and which
 * settings it refuses.
 */
@ExtendWith(OutputCaptureExtension.class)
class DashboardAutoConfigurationTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	private static final AutoConfigurations JETWAY = AutoConfigurations.of(NatsConnectionAutoConfiguration.class,
			TopologyAutoConfiguration.class, JetwayOperationsAutoConfiguration.class, DashboardAutoConfiguration.class);

	private WebApplicationContextRunner web() {
		return new WebApplicationContextRunner().withConfiguration(JETWAY)
			.withPropertyValues("jetway.nats.servers=" + nats.url());
	}

	@Test
	void withSpringSecurityItIsOnAndGuardedByTheRoles() {
		web().run((context) -> {
			assertThat(context).hasSingleBean(DashboardController.class);
			assertThat(context).getBean(DashboardAccess.class).isInstanceOf(SecuredAccess.class);
		});
	}

	@Test
	void withSpringSecurityItCanBeSwitchedOff() {
		web().withPropertyValues("jetway.dashboard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DashboardController.class));
	}

	@Test
	void withoutSpringSecurityItIsOffUnlessSwitchedOn(CapturedOutput output) {
		web().withClassLoader(new FilteredClassLoader(CsrfToken.class))
			.run((context) -> assertThat(context).doesNotHaveBean(DashboardController.class));
		assertThat(output).doesNotContain("WITHOUT authentication");
		web().withClassLoader(new FilteredClassLoader(CsrfToken.class))
			.withPropertyValues("jetway.dashboard.enabled=true")
			.run((context) -> {
				assertThat(context).hasSingleBean(DashboardController.class);
				assertThat(context).getBean(DashboardAccess.class).isInstanceOf(OpenAccess.class);
			});
		assertThat(output).contains("The Jetway dashboard is served at /jetway WITHOUT authentication");
	}

	@Test
	void notInAnApplicationWithoutServletWeb() {
		new ApplicationContextRunner().withConfiguration(JETWAY)
			.withPropertyValues("jetway.nats.servers=" + nats.url(), "jetway.dashboard.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(DashboardController.class));
	}

	@Test
	void aPathWithATrailingSlashIsRefusedNamingTheProperty() {
		web().withPropertyValues("jetway.dashboard.path=/ops/")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("jetway.dashboard.path is '/ops/'"));
	}

}
