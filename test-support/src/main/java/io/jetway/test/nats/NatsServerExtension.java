package io.jetway.test.nats;

import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a private {@link NatsServerProcess} before a test class and removes it, store
 * included, after it. Register it as a static field:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final NatsServerExtension nats = new NatsServerExtension();
 * </pre>
 */
public class NatsServerExtension implements BeforeAllCallback, AfterAllCallback {

	private final UnaryOperator<NatsServerProcess.Builder> configuration;

	private @Nullable NatsServerProcess server;

	public NatsServerExtension() {
		this(UnaryOperator.identity());
	}

	/**
	 * @param configuration adjusts the server, for example {@code (server) ->
	 * server.config("authorization { token: s3cr3t }")}
	 */
	public NatsServerExtension(UnaryOperator<NatsServerProcess.Builder> configuration) {
		this.configuration = configuration;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.server = this.configuration.apply(NatsServerProcess.builder()).start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		NatsServerProcess current = this.server;
		if (current != null) {
			current.close();
			this.server = null;
		}
	}

	public NatsServerProcess server() {
		NatsServerProcess current = this.server;
		if (current == null) {
			throw new IllegalStateException("The NATS server runs only while the test class runs; "
					+ "register NatsServerExtension as a static @RegisterExtension field");
		}
		return current;
	}

	public String url() {
		return server().url();
	}

}
