package io.jetway.sample;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import io.jetway.webhook.HostResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.nats.NatsServerProcess;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * A private nats-server and a fresh database for the application under test, both tied to
 * the Spring context's lifecycle. The database is H2 unless {@code sample.test.database}
 * names another {@link TestDatabase}.
 */
@TestConfiguration(proxyBeanMethods = false)
class SampleTestInfrastructure {

	/** A name the tests' resolver resolves to a private address. */
	static final String INTRANET_HOST = "intranet.example.com";

	static final String INTRANET_ADDRESS = "10.20.30.40";

	/**
	 * Tests never use the network's DNS: every webhook host but {@link #INTRANET_HOST} is
	 * unknown, so the SSRF checks answer the same everywhere.
	 */
	@Bean
	HostResolver offlineHostResolver() {
		return (host) -> {
			if (host.equals(INTRANET_HOST)) {
				return List.of(InetAddress.getByName(INTRANET_ADDRESS));
			}
			throw new UnknownHostException(host + " (no DNS in tests)");
		};
	}

	@Bean(destroyMethod = "close")
	NatsServerProcess natsServer() {
		return NatsServerProcess.start();
	}

	@Bean(destroyMethod = "close")
	TestDatabaseInstance testDatabase(Environment environment) {
		return environment.getProperty("sample.test.database", TestDatabase.class, TestDatabase.H2).create();
	}

	@Bean
	DynamicPropertyRegistrar sampleTestProperties(NatsServerProcess natsServer, TestDatabaseInstance database) {
		Path dataDirectory = temporaryDirectory();
		return (registry) -> {
			registry.add("jetway.nats.servers", natsServer::url);
			registry.add("spring.datasource.url", database::url);
			registry.add("spring.datasource.username", database::username);
			registry.add("spring.datasource.password", database::password);
			registry.add("sample.data-dir", dataDirectory::toString);
		};
	}

	private static Path temporaryDirectory() {
		try {
			return Files.createTempDirectory("jetway-sample-test");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
