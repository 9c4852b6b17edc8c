package io.jetway.sample;

import java.util.Map;

import io.nats.client.Connection;
import io.nats.client.api.ServerInfo;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Shows which NATS server the application is connected to.
 */
@RestController
class NatsInfoController {

	private final Connection connection;

	NatsInfoController(Connection connection) {
		this.connection = connection;
	}

	@GetMapping("/nats")
	Map<String, Object> nats() {
		ServerInfo info = this.connection.getServerInfo();
		return Map.of("url", String.valueOf(this.connection.getConnectedUrl()), "status",
				this.connection.getStatus().name(), "serverVersion", info.getVersion(), "jetStream",
				info.isJetStreamAvailable());
	}

}
