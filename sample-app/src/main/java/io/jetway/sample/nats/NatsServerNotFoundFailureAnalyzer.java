package io.jetway.sample.nats;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Says how to get a NATS server when the sample finds none.
 */
class NatsServerNotFoundFailureAnalyzer extends AbstractFailureAnalyzer<NatsServerNotFoundException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NatsServerNotFoundException cause) {
		return new FailureAnalysis(cause.getMessage() + ".",
				"""
						Start a NATS server with JetStream, or install nats-server so that the sample starts one itself:
						  - Debian/Ubuntu: sudo apt-get install nats-server   (then the sample starts it, or run: nats-server -js)
						  - macOS:         brew install nats-server && nats-server -js
						  - any system:    download from https://github.com/nats-io/nats-server/releases, put nats-server on PATH
						  - Docker:        docker compose -f sample-app/compose.yaml up -d
						Or point the sample at a running server: NATS_URL=nats://host:4222, or
						sample.nats.server-binary=/path/to/nats-server.""",
				cause);
	}

}
