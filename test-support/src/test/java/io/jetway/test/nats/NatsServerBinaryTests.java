package io.jetway.test.nats;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class NatsServerBinaryTests {

	@Test
	void runsTheNewestServerWhenAskedFor() {
		try (NatsServerProcess server = NatsServerProcess.builder().binary(NatsServerBinary.V2_15).start()) {
			assertThat(server.version()).startsWith("2.15.");
			assertThat(server.log()).contains("Starting JetStream");
		}
	}

	@Test
	void aMissingVersionFailsNamingTheCommandThatFetchesIt() {
		assertThatIllegalStateException().isThrownBy(() -> NatsServerBinary.of("0.1").path())
			.withMessageContaining("nats-server 0.1 was not found")
			.withMessageContaining("JETWAY_NATS_SERVER_0_1")
			.withMessageContaining("'.ci/nats-server-binary 0.1'");
	}

}
