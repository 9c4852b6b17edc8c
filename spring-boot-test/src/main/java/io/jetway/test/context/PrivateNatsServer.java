package io.jetway.test.context;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.jetway.connection.NatsConnectionDetails;
import io.jetway.test.nats.NatsServerBinary;
import io.jetway.test.nats.NatsServerProcess;

/**
 * Gives a Spring test class ({@code @SpringBootTest} and the like) a private
 * {@code nats-server} process, with JetStream, on a free loopback port, and makes it the
 * application's NATS service connection: a {@link NatsConnectionDetails} bean that takes
 * precedence over {@code jetway.nats.servers} and the credentials properties, as a
 * Testcontainers {@code @ServiceConnection} would, without Docker.
 * <p>
 * The server starts when the application first needs the connection (not at all with
 * {@code jetway.enabled=false}) and stops, its store deleted, when the context closes.
 * Test classes with the same attributes (and otherwise the same configuration) share one
 * cached context and so one server. The running server is a {@link NatsServerProcess}
 * bean, for tests that stop, kill or restart it.
 * <p>
 * The binary is {@link NatsServerBinary#DEFAULT}: {@code $JETWAY_NATS_SERVER_VERSION},
 * {@code $JETWAY_NATS_SERVER}, {@code $nats_server_path}, {@code PATH}, then
 * {@code /usr/sbin/nats-server}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface PrivateNatsServer {

	/**
	 * The nats-server version to run, {@code major.minor} or {@code major.minor.patch},
	 * looked up as {@link NatsServerBinary#of(String)} does; empty for
	 * {@link NatsServerBinary#DEFAULT}.
	 * @return the version, or empty
	 */
	String version() default "";

	/**
	 * A token the server requires from clients; Jetway connects with it. Empty for a
	 * server without authentication.
	 * @return the token, or empty
	 */
	String token() default "";

}
