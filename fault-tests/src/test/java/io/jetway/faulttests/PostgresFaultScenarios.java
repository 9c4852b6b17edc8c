package io.jetway.faulttests;

import java.time.Duration;

import io.jetway.faulttests.NatsServers.NatsServer;
import io.jetway.test.jdbc.PostgresServerProcess;
import io.jetway.test.nats.NatsServerProcess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scenario 4 of docs/reliability.md: a private PostgreSQL killed with SIGKILL and started
 * again mid-run, later stopped for {@code jetway.fault.postgres-outage} (90 s in the full
 * suite).
 */
class PostgresFaultScenarios {

	@ParameterizedTest(name = "nats-server {0}")
	@MethodSource("io.jetway.faulttests.NatsServers#versions")
	void postgresKilledThenDownForAnOutage(NatsServer server) {
		Duration outage = FaultSettings.postgresOutage();
		PostgresServerProcess postgres = PostgresServerProcess.start();
		try (NatsServerProcess nats = server.start();
				WorkloadRun run = new WorkloadRun("postgres kill -9, down " + outage.toSeconds() + "s",
						server.version(), ScenarioDatabase.on(postgres), outage)) {
			run.startInstance("app", nats.url());
			run.awaitProgress(run.operations() / 3);
			run.fault("postgres killed", postgres::kill, postgres::restart);
			run.awaitProgress(run.operations() * 2 / 3);
			run.fault("postgres down " + outage, postgres::stop, () -> {
				WorkloadRun.holdOutage(outage, () -> !postgres.isRunning());
				postgres.restart();
			});
			run.finish(nats.url()).assertHolds(run.operations(), run.operations());
		}
	}

}
