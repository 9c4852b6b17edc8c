package io.jetway.sample.nats;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A start without NATS ends with instructions, not a stack trace.
 */
class NatsServerNotFoundFailureAnalyzerTests {

	@Test
	void isRegistered() {
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, FailureHandler.handleMessage((message, failure) -> {
			}));
		assertThat(analyzers).hasAtLeastOneElementOfType(NatsServerNotFoundFailureAnalyzer.class);
	}

	@Test
	void saysHowToInstallAndStartNats() {
		RuntimeException failure = new IllegalStateException("bean creation failed",
				new NatsServerNotFoundException(List.of("nats://localhost:4222"), List.of("PATH")));
		FailureAnalysis analysis = new NatsServerNotFoundFailureAnalyzer().analyze(failure);
		assertThat(analysis.getDescription()).isEqualTo(
				"No NATS server answers at nats://localhost:4222 and no nats-server binary was found (looked in PATH).");
		assertThat(analysis.getAction()).contains("apt-get install nats-server", "nats-server -js",
				"docker compose -f sample-app/compose.yaml up -d", "NATS_URL=");
	}

}
