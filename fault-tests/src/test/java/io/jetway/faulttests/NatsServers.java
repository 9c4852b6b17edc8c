package io.jetway.faulttests;

import java.util.List;

import io.jetway.test.nats.NatsServerProcess;

/**
 * The nats-server versions the scenarios run on.
 */
final class NatsServers {

	private NatsServers() {
	}

	/** Every version of the matrix, for {@code @MethodSource}. */
	static List<NatsServer> versions() {
		return List.of(machine());
	}

	/** The machine's nats-server. */
	static NatsServer machine() {
		return new NatsServer("machine");
	}

	/**
	 * A nats-server version.
	 *
	 * @param version its version, as the result lines show it
	 */
	record NatsServer(String version) {

		NatsServerProcess start() {
			return NatsServerProcess.start();
		}

		@Override
		public String toString() {
			return this.version;
		}

	}

}
