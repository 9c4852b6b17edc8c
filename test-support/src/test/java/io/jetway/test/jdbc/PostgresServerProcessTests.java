package io.jetway.test.jdbc;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PostgresServerProcessTests {

	@Test
	void keepsCommittedDataAcrossAKillAndAStopOnTheSamePortAndDeletesItOnClose() throws Exception {
		PostgresServerProcess server = PostgresServerProcess.start();
		try {
			int port = server.port();
			assertThat(server.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/postgres");
			execute(server, "CREATE TABLE kept (id int)");
			execute(server, "INSERT INTO kept VALUES (1)");
			try (Connection open = DriverManager.getConnection(server.jdbcUrl(), server.username(), "")) {
				server.kill();
				assertThat(server.isRunning()).isFalse();
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> count(open));
			}
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(), server.username(), ""));
			server.restart();
			assertThat(server.port()).isEqualTo(port);
			execute(server, "INSERT INTO kept VALUES (2)");
			server.stop();
			assertThat(server.isRunning()).isFalse();
			server.restart();
			try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.username(), "")) {
				assertThat(count(connection)).isEqualTo(2);
			}
			server.createDatabase("scenario");
			try (Connection connection = DriverManager.getConnection(server.jdbcUrl("scenario"), server.username(),
					"")) {
				assertThat(connection.isValid(2)).isTrue();
			}
		}
		finally {
			server.close();
		}
		assertThat(Files.exists(server.directory())).isFalse();
	}

	private static void execute(PostgresServerProcess server, String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.username(), "");
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static int count(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(*) FROM kept")) {
			result.next();
			return result.getInt(1);
		}
	}

}
