package io.jetway.sample;

import java.util.Map;

import io.jetway.test.nats.NatsServerProcess;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	@LocalServerPort
	int port;

	@Autowired
	NatsServerProcess natsServer;

	@Test
	void startsConnectedToNats() {
		Map<String, Object> body = RestClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri("/nats")
			.retrieve()
			.body(new ParameterizedTypeReference<Map<String, Object>>() {
			});
		assertThat(body).containsEntry("status", "CONNECTED")
			.containsEntry("url", this.natsServer.url())
			.containsEntry("jetStream", true);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class PrivateNatsServer {

		@Bean(destroyMethod = "close")
		NatsServerProcess natsServer() {
			return NatsServerProcess.start();
		}

		@Bean
		DynamicPropertyRegistrar natsServerProperties(NatsServerProcess natsServer) {
			return (registry) -> registry.add("jetway.nats.servers", natsServer::url);
		}

	}

}
