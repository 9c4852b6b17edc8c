package io.jetway.faulttests;

import java.util.ArrayList;
import java.util.List;

import io.jetway.test.nats.NatsClusterProcess;
import io.jetway.test.nats.NatsServerBinary;
import io.jetway.test.nats.NatsServerProcess;

/**
 * The nats-server versions the scenarios run on: the default binary (the machine's
 * 2.9.10, Jetway's minimum) and 2.15 (fetched by {@code .ci/nats-server-binary 2.15}).
 */
final class NatsServers {

	private NatsServers() {
	}

	/** Every version of the matrix, for {@code @MethodSource}. */
	static List<NatsServer> versions() {
		List<NatsServer> versions = new ArrayList<>();
		versions.add(machine());
		NatsServer newest = new NatsServer(NatsServerBinary.V2_15);
		if (!newest.binary().path().equals(machine().binary().path())) {
			versions.add(newest);
		}
		return versions;
	}

	/** The default binary. */
	static NatsServer machine() {
		return new NatsServer(NatsServerBinary.DEFAULT);
	}

	/**
	 * A nats-server binary.
	 *
	 * @param binary which binary
	 */
	record NatsServer(NatsServerBinary binary) {

		/** Its version, as the result lines show it. */
		String version() {
			return this.binary.version();
		}

		NatsServerProcess start() {
			return NatsServerProcess.builder().binary(this.binary).start();
		}

		NatsClusterProcess startCluster() {
			return NatsClusterProcess.start(this.binary);
		}

		@Override
		public String toString() {
			return version();
		}

	}

}
