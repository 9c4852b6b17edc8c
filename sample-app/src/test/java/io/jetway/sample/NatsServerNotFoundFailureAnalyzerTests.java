package io.jetway.sample;

import java.util.List;

import io.jetway.sample.nats.NatsServerNotFoundException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A start without NATS ends with instructions, not a stack trace.
 */
class NatsServerNotFoundFailureAnalyzerTests {

	@Test
	void analyzerIsRegisteredAndSaysHowToInstallAndStartNats() {
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class);
		RuntimeException failure = new IllegalStateException("bean creation failed",
				new NatsServerNotFoundException(List.of("nats://localhost:4222"), List.of("PATH")));
		FailureAnalysis analysis = analyzers.stream()
			.map((analyzer) -> analyzer.analyze(failure))
			.filter((result) -> result != null && result.getCause() instanceof NatsServerNotFoundException)
			.findFirst()
			.orElseThrow();
		assertThat(analysis.getDescription()).isEqualTo(
				"No NATS server answers at nats://localhost:4222 and no nats-server binary was found (looked in PATH).");
		assertThat(analysis.getAction()).contains("apt-get install nats-server", "nats-server -js",
				"docker compose -f sample-app/compose.yaml up -d", "NATS_URL=");
	}

}
