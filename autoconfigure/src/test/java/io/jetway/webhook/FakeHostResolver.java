package io.jetway.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A DNS for tests: answers from a table, records every lookup, and can answer one name
 * differently on successive lookups (DNS rebinding). Never asks real DNS.
 */
class FakeHostResolver implements HostResolver {

	private final Map<String, Deque<List<InetAddress>>> answers = new HashMap<>();

	private final List<String> lookups = new ArrayList<>();

	/**
	 * Maps a name to addresses; several calls for one name queue answers for successive
	 * lookups, the last one repeating.
	 */
	FakeHostResolver map(String host, String... addresses) {
		List<InetAddress> resolved = new ArrayList<>();
		for (String address : addresses) {
			resolved.add(address(host, address));
		}
		this.answers.computeIfAbsent(host, (key) -> new ArrayDeque<>()).add(resolved);
		return this;
	}

	@Override
	public synchronized List<InetAddress> resolve(String host) throws UnknownHostException {
		this.lookups.add(host);
		Deque<List<InetAddress>> queue = this.answers.get(host);
		if (queue == null) {
			throw new UnknownHostException(host + ": Name or service not known");
		}
		return (queue.size() > 1) ? queue.poll() : queue.peek();
	}

	synchronized List<String> lookups() {
		return List.copyOf(this.lookups);
	}

	static InetAddress address(String host, String literal) {
		try {
			// a literal: parsed, never looked up
			return InetAddress.getByAddress(host, InetAddress.getByName(literal).getAddress());
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}
