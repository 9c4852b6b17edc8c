package io.jetway.test.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The databases Jetway's tests run against. PostgreSQL and MariaDB are the servers that
 * run on the development machine and in CI; their addresses can be overridden with
 * environment variables ({@code JETWAY_TEST_POSTGRES_URL},
 * {@code JETWAY_TEST_POSTGRES_USER}, {@code JETWAY_TEST_POSTGRES_PASSWORD}, and the same
 * with {@code MARIADB}). Every {@link #create()} makes a new, empty database that
 * {@link TestDatabaseInstance#close()} drops again. A database that cannot be reached
 * fails the test with instructions; it never skips it.
 */
public enum TestDatabase {

	H2("jdbc:h2:mem:", "sa", "", "H2 runs in memory and needs nothing"),

	POSTGRESQL("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "",
			"start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"),

	MARIADB("jdbc:mariadb://127.0.0.1:3306/test", "root", "",
			"start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd");

	private final String defaultAdminUrl;

	private final String defaultUser;

	private final String defaultPassword;

	private final String howToStart;

	TestDatabase(String defaultAdminUrl, String defaultUser, String defaultPassword, String howToStart) {
		this.defaultAdminUrl = defaultAdminUrl;
		this.defaultUser = defaultUser;
		this.defaultPassword = defaultPassword;
		this.howToStart = howToStart;
	}

	/** Creates a fresh, empty database. */
	public TestDatabaseInstance create() {
		String name = "jetway_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
		if (this == H2) {
			return new TestDatabaseInstance(this, name, "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", user(),
					password());
		}
		executeAsAdmin("CREATE DATABASE " + name);
		String adminUrl = adminUrl();
		int lastSlash = adminUrl.lastIndexOf('/');
		int query = adminUrl.indexOf('?', lastSlash);
		String url = adminUrl.substring(0, lastSlash + 1) + name + ((query >= 0) ? adminUrl.substring(query) : "");
		return new TestDatabaseInstance(this, name, url, user(), password());
	}

	void drop(String name) {
		if (this == H2) {
			return;
		}
		executeAsAdmin((this == POSTGRESQL) ? "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"
				: "DROP DATABASE IF EXISTS " + name);
	}

	private void executeAsAdmin(String sql) {
		try (Connection connection = DriverManager.getConnection(adminUrl(), user(), password());
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(
					displayName() + " at " + adminUrl() + " (user " + user() + ") could not run '" + sql + "': "
							+ ex.getMessage() + ". " + displayName() + " must run for these tests; " + this.howToStart
							+ ", or point " + environmentPrefix() + "_URL/_USER/_PASSWORD at a server that runs.",
					ex);
		}
	}

	public String displayName() {
		return switch (this) {
			case H2 -> "H2";
			case POSTGRESQL -> "PostgreSQL";
			case MARIADB -> "MariaDB";
		};
	}

	private String adminUrl() {
		return env("_URL", this.defaultAdminUrl);
	}

	private String user() {
		return env("_USER", this.defaultUser);
	}

	private String password() {
		return env("_PASSWORD", this.defaultPassword);
	}

	private String environmentPrefix() {
		return "JETWAY_TEST_" + ((this == POSTGRESQL) ? "POSTGRES" : name().toUpperCase(Locale.ROOT));
	}

	private String env(String suffix, String fallback) {
		String value = System.getenv(environmentPrefix() + suffix);
		return (value != null && !value.isBlank()) ? value : fallback;
	}

}
