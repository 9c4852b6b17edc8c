package io.jetway.sample.nats;

import java.util.List;

/**
 * No NATS server answers and no {@code nats-server} binary is there to start one.
 */
public class NatsServerNotFoundException extends RuntimeException {

	private final List<String> servers;

	private final List<String> searched;

	public NatsServerNotFoundException(List<String> servers, List<String> searched) {
		super("No NATS server answers at " + String.join(", ", servers) + " and no nats-server binary was found ("
				+ "looked in " + String.join(", ", searched) + ")");
		this.servers = List.copyOf(servers);
		this.searched = List.copyOf(searched);
	}

	public List<String> getServers() {
		return this.servers;
	}

	public List<String> getSearched() {
		return this.searched;
	}

}
