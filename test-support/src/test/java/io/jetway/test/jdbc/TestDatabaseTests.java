package io.jetway.test.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TestDatabaseTests {

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void createsAFreshDatabaseAndDropsItOnClose(TestDatabase type) throws SQLException {
		TestDatabaseInstance database = type.create();
		try (Connection connection = database.dataSource().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE probe (id INT PRIMARY KEY)");
			statement.execute("INSERT INTO probe VALUES (42)");
			try (ResultSet rows = statement.executeQuery("SELECT id FROM probe")) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getInt(1)).isEqualTo(42);
			}
		}
		database.close();
		if (type != TestDatabase.H2) {
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> DriverManager.getConnection(database.url(), database.username(), database.password())
					.close());
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void everyInstanceIsIsolated(TestDatabase type) throws SQLException {
		try (TestDatabaseInstance first = type.create(); TestDatabaseInstance second = type.create()) {
			assertThat(first.url()).isNotEqualTo(second.url());
			try (Connection connection = first.dataSource().getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE only_in_first (id INT)");
			}
			try (Connection connection = second.dataSource().getConnection();
					Statement statement = connection.createStatement()) {
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> statement.executeQuery("SELECT * FROM only_in_first"));
			}
		}
	}

}
