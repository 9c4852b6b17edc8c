package io.jetway.connection;

import java.security.SecureRandom;

import io.jetway.test.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.NKey;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.jetway.connection.NatsConnectionFailureTests.failure;
import static org.assertj.core.api.Assertions.assertThat;

class NatsAuthenticationTests {

	private static final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(NatsConnectionAutoConfiguration.class));

	@Nested
	class Token {

		@RegisterExtension
		static final NatsServerExtension nats = new NatsServerExtension(
				(server) -> server.config("authorization { token: \"s3cr3t-t0ken\" }"));

		@Test
		void connectsWithTheRightToken() {
			contextRunner.withPropertyValues("jetway.nats.servers=" + nats.url(), "jetway.nats.token=s3cr3t-t0ken")
				.run((context) -> assertThat(context.getBean(Connection.class).getStatus())
					.isEqualTo(Connection.Status.CONNECTED));
		}

		@Test
		void wrongTokenFailsStartupNamingTheProperty() {
			contextRunner.withPropertyValues("jetway.nats.servers=" + nats.url(), "jetway.nats.token=wrong")
				.run((context) -> assertThat(failure(context.getStartupFailure()).getMessage())
					.contains("rejected the credentials")
					.contains("jetway.nats.token"));
		}

		@Test
		void missingCredentialsFailStartup() {
			contextRunner.withPropertyValues("jetway.nats.servers=" + nats.url())
				.run((context) -> assertThat(failure(context.getStartupFailure()).getMessage())
					.contains("rejected the credentials"));
		}

	}

	@Nested
	class UserAndPassword {

		@RegisterExtension
		static final NatsServerExtension nats = new NatsServerExtension(
				(server) -> server.config("authorization { user: billing, password: \"pa55word\" }"));

		@Test
		void connectsWithUserAndPassword() {
			contextRunner
				.withPropertyValues("jetway.nats.servers=" + nats.url(), "jetway.nats.username=billing",
						"jetway.nats.password=pa55word")
				.run((context) -> assertThat(context.getBean(Connection.class).getStatus())
					.isEqualTo(Connection.Status.CONNECTED));
		}

		@Test
		void wrongPasswordFailsStartupNamingTheProperty() {
			contextRunner
				.withPropertyValues("jetway.nats.servers=" + nats.url(), "jetway.nats.username=billing",
						"jetway.nats.password=nope")
				.run((context) -> assertThat(failure(context.getStartupFailure()).getMessage())
					.contains("jetway.nats.username"));
		}

	}

	@Nested
	class NKeys {

		static final NKey user = createUser();

		@RegisterExtension
		static final NatsServerExtension nats = new NatsServerExtension((server) -> server
			.config("authorization { users: [ { nkey: " + new String(publicKey(user)) + " } ] }"));

		@Test
		void connectsWithTheSeed() {
			contextRunner
				.withPropertyValues("jetway.nats.servers=" + nats.url(),
						"jetway.nats.nkey-seed=" + new String(seed(user)))
				.run((context) -> assertThat(context.getBean(Connection.class).getStatus())
					.isEqualTo(Connection.Status.CONNECTED));
		}

		@Test
		void anotherUsersSeedIsRejected() {
			contextRunner
				.withPropertyValues("jetway.nats.servers=" + nats.url(),
						"jetway.nats.nkey-seed=" + new String(seed(createUser())))
				.run((context) -> assertThat(failure(context.getStartupFailure()).getMessage())
					.contains("rejected the credentials")
					.contains("jetway.nats.nkey-seed"));
		}

		private static NKey createUser() {
			try {
				return NKey.createUser(new SecureRandom());
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

		private static char[] publicKey(NKey key) {
			try {
				return key.getPublicKey();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

		private static char[] seed(NKey key) {
			try {
				return key.getSeed();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
