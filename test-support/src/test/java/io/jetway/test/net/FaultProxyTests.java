package io.jetway.test.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import io.jetway.test.nats.NatsServerProcess;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class FaultProxyTests {

	private static NatsServerProcess nats;

	@BeforeAll
	static void startNats() {
		nats = NatsServerProcess.start();
	}

	@AfterAll
	static void stopNats() {
		nats.close();
	}

	@Test
	void forwardsAndANatsClientReconnectsThroughItAfterACut() throws Exception {
		try (FaultProxy proxy = FaultProxy.to("127.0.0.1", nats.port());
				io.nats.client.Connection client = Nats.connect(options(proxy))) {
			assertThat(roundTrip(client)).isEqualTo("pong");
			proxy.cut();
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> connect(proxy.port()));
			await().atMost(Duration.ofSeconds(5))
				.until(() -> client.getStatus() != io.nats.client.Connection.Status.CONNECTED);
			proxy.heal();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> client.getStatus() == io.nats.client.Connection.Status.CONNECTED);
			assertThat(roundTrip(client)).isEqualTo("pong");
		}
	}

	@Test
	void blackholeTimesRequestsOutAndTheClientRecoversAfterHeal() throws Exception {
		try (FaultProxy proxy = FaultProxy.to("127.0.0.1", nats.port());
				io.nats.client.Connection client = Nats.connect(options(proxy))) {
			assertThat(roundTrip(client)).isEqualTo("pong");
			proxy.blackhole();
			Message reply = client.request("echo", "ping".getBytes(StandardCharsets.UTF_8), Duration.ofMillis(500));
			assertThat(reply).isNull();
			assertThat(proxy.openConnections()).isPositive();
			proxy.heal();
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> "pong".equals(roundTrip(client)));
		}
	}

	@Test
	void blackholeFromDropsTheChunkThatCarriesTheMarkerAndAllAfterIt() throws Exception {
		try (FaultProxy proxy = FaultProxy.to("127.0.0.1", nats.port());
				io.nats.client.Connection client = Nats.connect(options(proxy));
				io.nats.client.Connection direct = Nats.connect(nats.url())) {
			Subscription subscription = client.subscribe("fault.>");
			client.flush(Duration.ofSeconds(2));
			proxy.blackholeFrom("fault.watched");
			direct.publish("fault.before", "1".getBytes(StandardCharsets.UTF_8));
			assertThat(subscription.nextMessage(Duration.ofSeconds(2))).extracting(Message::getSubject)
				.isEqualTo("fault.before");
			assertThat(proxy.isBlackholed()).isFalse();
			direct.publish("fault.watched", "2".getBytes(StandardCharsets.UTF_8));
			await().atMost(Duration.ofSeconds(5)).until(proxy::isBlackholed);
			direct.publish("fault.after", "3".getBytes(StandardCharsets.UTF_8));
			assertThat(subscription.nextMessage(Duration.ofMillis(500))).as("a message after the marker").isNull();
			proxy.heal();
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> "pong".equals(roundTrip(client)));
		}
	}

	@Test
	void delayAddsLatencyBothWays() throws Exception {
		try (FaultProxy proxy = FaultProxy.to("127.0.0.1", nats.port());
				io.nats.client.Connection client = Nats.connect(options(proxy))) {
			assertThat(roundTrip(client)).isEqualTo("pong");
			proxy.delay(Duration.ofMillis(200));
			long start = System.nanoTime();
			assertThat(roundTrip(client)).isEqualTo("pong");
			// request and reply each cross the proxy twice: client -> server -> client
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
			proxy.heal();
			// what was sent before heal() is still delivered late, in order
			assertThat(roundTrip(client)).isEqualTo("pong");
			start = System.nanoTime();
			assertThat(roundTrip(client)).isEqualTo("pong");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
		}
	}

	@Test
	void jdbcConnectionsFailWhileCutAndConnectAgainAfterHeal() throws Exception {
		try (FaultProxy proxy = FaultProxy.to("127.0.0.1", 5432)) {
			String url = proxy.url("jdbc:postgresql") + "/postgres";
			try (Connection connection = postgres(url)) {
				assertThat(selectOne(connection)).isEqualTo(1);
				proxy.cut();
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> selectOne(connection));
			}
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> postgres(url).close());
			proxy.heal();
			try (Connection connection = postgres(url)) {
				assertThat(selectOne(connection)).isEqualTo(1);
			}
		}
	}

	@Test
	void closeFreesThePort() throws Exception {
		FaultProxy proxy = FaultProxy.to("127.0.0.1", nats.port());
		connect(proxy.port()).close();
		proxy.close();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> connect(proxy.port()));
	}

	private static Connection postgres(String url) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", "postgres");
		properties.setProperty("connectTimeout", "2");
		properties.setProperty("socketTimeout", "5");
		return DriverManager.getConnection(url, properties);
	}

	private static int selectOne(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT 1")) {
			result.next();
			return result.getInt(1);
		}
	}

	private static Options options(FaultProxy proxy) {
		return Options.builder()
			.server(proxy.url("nats"))
			.connectionTimeout(Duration.ofSeconds(1))
			.reconnectWait(Duration.ofMillis(100))
			.maxReconnects(-1)
			.pingInterval(Duration.ofMillis(500))
			.maxPingsOut(2)
			.build();
	}

	private static String roundTrip(io.nats.client.Connection client) throws Exception {
		io.nats.client.Dispatcher dispatcher = client.createDispatcher(
				(message) -> client.publish(message.getReplyTo(), "pong".getBytes(StandardCharsets.UTF_8)));
		try {
			dispatcher.subscribe("echo");
			client.flush(Duration.ofSeconds(2));
			Message reply = client.request("echo", "ping".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(3));
			return (reply != null) ? new String(reply.getData(), StandardCharsets.UTF_8) : "no reply";
		}
		finally {
			client.closeDispatcher(dispatcher);
		}
	}

	private static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
		return socket;
	}

}
