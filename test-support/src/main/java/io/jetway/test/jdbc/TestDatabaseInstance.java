package io.jetway.test.jdbc;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

/**
 * One fresh database created for a test class. Closing it closes its pool and drops the
 * database.
 */
public final class TestDatabaseInstance implements AutoCloseable {

	private final TestDatabase type;

	private final String name;

	private final String url;

	private final String username;

	private final String password;

	private @Nullable HikariDataSource dataSource;

	TestDatabaseInstance(TestDatabase type, String name, String url, String username, String password) {
		this.type = type;
		this.name = name;
		this.url = url;
		this.username = username;
		this.password = password;
	}

	public TestDatabase type() {
		return this.type;
	}

	public String name() {
		return this.name;
	}

	/** The JDBC URL, for {@code spring.datasource.url}. */
	public String url() {
		return this.url;
	}

	public String username() {
		return this.username;
	}

	public String password() {
		return this.password;
	}

	/** A pooled {@link DataSource} on this database, created on first use. */
	public synchronized DataSource dataSource() {
		if (this.dataSource == null) {
			HikariConfig config = new HikariConfig();
			config.setJdbcUrl(this.url);
			config.setUsername(this.username);
			config.setPassword(this.password);
			config.setMaximumPoolSize(10);
			config.setPoolName("jetway-test-" + this.name);
			this.dataSource = new HikariDataSource(config);
		}
		return this.dataSource;
	}

	@Override
	public synchronized void close() {
		if (this.dataSource != null) {
			this.dataSource.close();
			this.dataSource = null;
		}
		this.type.drop(this.name);
	}

	@Override
	public String toString() {
		return this.type.displayName();
	}

}
