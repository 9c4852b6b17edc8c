package io.jetway.topology;

import java.time.Duration;

import io.jetway.support.JetwayFailureAnalyzer;
import io.jetway.test.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Stream durations nats-server cannot hold (it keeps them as 64-bit nanoseconds, at most
 * about 292 years) are refused at startup naming the property, before anything reaches
 * the server.
 */
class StreamDurationLimitTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	private ServerStreams server;

	private ApplicationContextRunner runner;

	@BeforeEach
	void connect() throws Exception {
		this.server = ServerStreams.connect(nats);
		this.runner = ServerStreams.runner(nats);
	}

	@AfterEach
	void cleanUp() throws Exception {
		this.server.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "max-age", "duplicate-window" })
	void durationBeyondWhatTheServerHoldsFailsStartupNamingTheProperty(String setting) throws Exception {
		this.runner
			.withPropertyValues("jetway.topology.streams.ORDERS.subjects=orders.>",
					"jetway.topology.streams.ORDERS." + setting + "=" + Long.MAX_VALUE + "s")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				FailureAnalysis analysis = new JetwayFailureAnalyzer().analyze(failure);
				assertThat(analysis)
					.as("Jetway's failure report for %s", NestedExceptionUtils.getMostSpecificCause(failure))
					.isNotNull();
				assertThat(analysis.getDescription()).contains("jetway.topology.streams.ORDERS." + setting)
					.contains(Long.MAX_VALUE + "s")
					.contains("292 years");
				assertThat(analysis.getAction()).contains("0");
			});
		assertThat(this.server.exists("ORDERS")).isFalse();
	}

	@Test
	void theLongestDurationTheServerHoldsIsAccepted() throws Exception {
		Duration longest = Duration.ofNanos(Long.MAX_VALUE);
		this.runner
			.withPropertyValues("jetway.topology.streams.ORDERS.subjects=orders.>",
					"jetway.topology.streams.ORDERS.max-age=" + longest.getSeconds() + "s")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(this.server.stream("ORDERS").getMaxAge()).isEqualTo(Duration.ofSeconds(longest.getSeconds()));
	}

	@Test
	void declarationBeanWithADurationBeyondWhatTheServerHoldsFailsStartupNamingIt() {
		this.runner.withUserConfiguration(TooOldBean.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new JetwayFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("AUDIT").contains("max-age").contains("bean 'audit'");
		});
		assertThatExceptionOfType(TopologyException.class)
			.isThrownBy(() -> StreamDeclaration.of("AUDIT", "audit.>")
				.withSettings(StreamSettings.builder().duplicateWindow(Duration.ofDays(365L * 300)).build()))
			.withMessageContaining("duplicate-window");
	}

	@Configuration(proxyBeanMethods = false)
	static class TooOldBean {

		@Bean
		StreamDeclaration audit() {
			return StreamDeclaration.of("AUDIT", "audit.>")
				.withSource("bean 'audit'")
				.withSettings(StreamSettings.builder().maxAge(Duration.ofSeconds(Long.MAX_VALUE)).build());
		}

	}

}
