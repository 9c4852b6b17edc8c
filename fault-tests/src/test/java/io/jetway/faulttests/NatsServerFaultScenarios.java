package io.jetway.faulttests;

import java.time.Duration;

import io.jetway.faulttests.NatsServers.NatsServer;
import io.jetway.test.nats.NatsServerProcess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scenario 3 of docs/reliability.md: the only nats-server stopped gracefully and later
 * killed with SIGKILL mid-run, each time started again with its file store.
 */
class NatsServerFaultScenarios {

	private static final Duration DOWN = Duration.ofSeconds(3);

	@ParameterizedTest(name = "nats-server {0}")
	@MethodSource("io.jetway.faulttests.NatsServers#versions")
	void natsServerStoppedThenKilledAndStartedAgain(NatsServer server) {
		try (NatsServerProcess nats = server.start();
				WorkloadRun run = new WorkloadRun("nats-server stop, kill -9", server.version(),
						ScenarioDatabase.shared(), DOWN.multipliedBy(2))) {
			run.startInstance("app", nats.url());
			run.awaitProgress(run.operations() / 3);
			run.fault("nats-server stopped " + DOWN, nats::stop, () -> {
				WorkloadRun.holdOutage(DOWN, () -> !nats.isRunning());
				nats.restart();
			});
			run.awaitProgress(run.operations() * 2 / 3);
			run.fault("nats-server killed, down " + DOWN, nats::kill, () -> {
				WorkloadRun.holdOutage(DOWN, () -> !nats.isRunning());
				nats.restart();
			});
			run.finish(nats.url()).assertHolds(run.operations(), run.operations());
		}
	}

}
