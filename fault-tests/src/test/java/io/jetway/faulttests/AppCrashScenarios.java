package io.jetway.faulttests;

import java.time.Duration;
import java.util.List;

import io.jetway.faulttests.NatsServers.NatsServer;
import io.jetway.test.nats.NatsServerProcess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scenarios 1 and 2 of docs/reliability.md: the application killed with SIGKILL in the
 * middle of relaying, consuming and running jobs.
 */
class AppCrashScenarios {

	@ParameterizedTest(name = "nats-server {0}")
	@MethodSource("io.jetway.faulttests.NatsServers#versions")
	void appKilledThreeTimesAndRestarted(NatsServer server) {
		try (NatsServerProcess nats = server.start();
				WorkloadRun run = new WorkloadRun("app kill -9 x3", server.version(), ScenarioDatabase.shared(),
						Duration.ZERO)) {
			WorkloadInstance app = run.startInstance("app", nats.url());
			for (int kill = 1; kill <= 3; kill++) {
				run.awaitProgress(run.operations() * kill / 4);
				run.fault("kill -9 #" + kill, app::kill, app::start);
			}
			run.finish(nats.url()).assertHolds(run.operations(), run.operations());
		}
	}

	@ParameterizedTest(name = "nats-server {0}")
	@MethodSource("io.jetway.faulttests.NatsServers#versions")
	void oneOfTwoInstancesKilledTheOtherFinishes(NatsServer server) {
		try (NatsServerProcess nats = server.start();
				WorkloadRun run = new WorkloadRun("2 instances, 1 kill -9", server.version(), ScenarioDatabase.shared(),
						Duration.ZERO)) {
			List<WorkloadInstance> apps = run.startInstances(nats.url(), "a", "b");
			run.awaitProgress(run.operations() / 3);
			run.fault("kill -9 of a", apps.get(0)::kill, () -> {
			});
			run.finish(nats.url()).assertHolds(run.operations(), run.operations());
		}
	}

}
