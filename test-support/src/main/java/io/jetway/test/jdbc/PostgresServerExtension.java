package io.jetway.test.jdbc;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a private {@link PostgresServerProcess} before a test class and removes it, data
 * included, after it: for tests that look at the whole cluster (its oldest transaction,
 * its sessions) and must not see other tests'. Register it as a static field:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final PostgresServerExtension postgres = new PostgresServerExtension();
 * </pre>
 */
public class PostgresServerExtension implements BeforeAllCallback, AfterAllCallback {

	private @Nullable PostgresServerProcess server;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.server = PostgresServerProcess.start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		PostgresServerProcess current = this.server;
		if (current != null) {
			current.close();
			this.server = null;
		}
	}

	public PostgresServerProcess server() {
		PostgresServerProcess current = this.server;
		if (current == null) {
			throw new IllegalStateException("The PostgreSQL server runs only while the test class runs; "
					+ "register PostgresServerExtension as a static @RegisterExtension field");
		}
		return current;
	}

	public String jdbcUrl() {
		return server().jdbcUrl();
	}

	public String username() {
		return server().username();
	}

}
