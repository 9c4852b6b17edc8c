package io.jetway.connection;

import io.nats.client.Options;

/**
 * Callback to adjust the jnats {@link Options.Builder} after Jetway has applied
 * {@code jetway.nats.*}, for settings Jetway does not expose. Declare it as a bean.
 */
@FunctionalInterface
public interface NatsOptionsCustomizer {

	void customize(Options.Builder builder);

}
