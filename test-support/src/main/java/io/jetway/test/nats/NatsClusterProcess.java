package io.jetway.test.nats;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.jetway.test.net.FreePort;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ClusterInfo;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A JetStream cluster of {@code nats-server} processes on loopback (three by default):
 * each node has its own client, route and monitoring port, store and {@code server_name}
 * ({@code jetway-node-<index>}), and routes to the others. Nodes can be killed, stopped
 * and restarted one by one on the same ports with the same stores.
 */
public final class NatsClusterProcess implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

	private final List<NatsServerProcess> nodes;

	private final List<Integer> monitoringPorts;

	private NatsClusterProcess(List<NatsServerProcess> nodes, List<Integer> monitoringPorts) {
		this.nodes = nodes;
		this.monitoringPorts = monitoringPorts;
	}

	/** Starts three nodes of {@link NatsServerBinary#DEFAULT} and waits until ready. */
	public static NatsClusterProcess start() {
		return start(NatsServerBinary.DEFAULT);
	}

	/** Starts three nodes of the given binary and waits until ready. */
	public static NatsClusterProcess start(NatsServerBinary binary) {
		return start(binary, 3);
	}

	/**
	 * Starts {@code size} nodes of the given binary and waits until the JetStream meta
	 * leader is elected ({@link #awaitReady(Duration)}).
	 */
	public static NatsClusterProcess start(NatsServerBinary binary, int size) {
		List<Integer> routePorts = new ArrayList<>();
		List<Integer> monitoringPorts = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			routePorts.add(FreePort.find());
			monitoringPorts.add(FreePort.find());
		}
		List<NatsServerProcess> nodes = new ArrayList<>();
		try {
			for (int i = 0; i < size; i++) {
				int index = i;
				String routes = routePorts.stream()
					.filter((port) -> port != routePorts.get(index).intValue())
					.map((port) -> "nats-route://127.0.0.1:" + port)
					.collect(Collectors.joining(", "));
				nodes.add(NatsServerProcess.builder()
					.binary(binary)
					.serverName(nodeName(i))
					.config("http: 127.0.0.1:" + monitoringPorts.get(i))
					.config("cluster {\n  name: jetway_test_cluster\n  listen: 127.0.0.1:" + routePorts.get(i)
							+ "\n  routes: [" + routes + "]\n}")
					.start());
			}
		}
		catch (RuntimeException ex) {
			nodes.forEach(NatsServerProcess::close);
			throw ex;
		}
		NatsClusterProcess cluster = new NatsClusterProcess(nodes, monitoringPorts);
		try {
			cluster.awaitReady(READY_TIMEOUT);
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
		return cluster;
	}

	/** The {@code server_name} of node {@code index}. */
	public static String nodeName(int index) {
		return "jetway-node-" + index;
	}

	public int size() {
		return this.nodes.size();
	}

	/** Every node's client URL, in node order. */
	public List<String> urls() {
		return this.nodes.stream().map(NatsServerProcess::url).toList();
	}

	/** Every node's client URL joined by commas, for {@code jetway.nats.servers}. */
	public String url() {
		return String.join(",", urls());
	}

	/** Node {@code index}, for its URL, log or version. */
	public NatsServerProcess node(int index) {
		return this.nodes.get(index);
	}

	/** Kills node {@code index} (SIGKILL), keeping its store. */
	public void kill(int index) {
		this.nodes.get(index).kill();
	}

	/** Stops node {@code index} gracefully, keeping its store. */
	public void stop(int index) {
		this.nodes.get(index).stop();
	}

	/** Starts node {@code index} again on the same ports with the same store. */
	public void restart(int index) {
		this.nodes.get(index).restart();
	}

	/**
	 * Waits until every running node names the same running node as JetStream meta
	 * leader.
	 * @throws IllegalStateException with each node's view when the timeout passes
	 */
	public NatsClusterProcess awaitReady(Duration timeout) {
		awaitLeader(this::agreedMetaLeader, timeout, "a JetStream meta leader");
		return this;
	}

	/**
	 * The index of the node that is JetStream meta leader now, if every running node
	 * agrees on one.
	 */
	public Optional<Integer> metaLeader() {
		return agreedMetaLeader();
	}

	/** Waits until there is a meta leader and returns its index. */
	public int awaitMetaLeader(Duration timeout) {
		return awaitLeader(this::agreedMetaLeader, timeout, "a JetStream meta leader");
	}

	/**
	 * The index of the node that leads {@code stream} now, as stream info from any
	 * running node reports it.
	 */
	public Optional<Integer> streamLeader(String stream) {
		for (NatsServerProcess node : this.nodes) {
			if (!node.isRunning()) {
				continue;
			}
			try (Connection connection = Nats.connect(Options.builder()
				.server(node.url())
				.connectionTimeout(Duration.ofSeconds(2))
				.maxReconnects(0)
				.build())) {
				// a leaderless stream does not answer: ask again soon, so that a test
				// sees
				// a new leader within about half a second of its election
				ClusterInfo cluster = connection
					.jetStreamManagement(
							io.nats.client.JetStreamOptions.builder().requestTimeout(Duration.ofMillis(500)).build())
					.getStreamInfo(stream)
					.getClusterInfo();
				String leader = (cluster != null) ? cluster.getLeader() : null;
				return indexOf(leader);
			}
			catch (IOException | JetStreamApiException ex) {
				// no answer from this node (or no leader yet): ask the next one
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Optional.empty();
			}
		}
		return Optional.empty();
	}

	/** Waits until {@code stream} has a leader and returns its index. */
	public int awaitStreamLeader(String stream, Duration timeout) {
		return awaitLeader(() -> streamLeader(stream), timeout, "a leader of stream " + stream);
	}

	/** Stops every node and deletes every store. */
	@Override
	public void close() {
		for (NatsServerProcess node : this.nodes) {
			node.close();
		}
	}

	private int awaitLeader(Supplier<Optional<Integer>> leader, Duration timeout, String what) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			Optional<Integer> found = leader.get();
			if (found.isPresent() && this.nodes.get(found.get()).isRunning()) {
				return found.get();
			}
			LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
		}
		StringBuilder views = new StringBuilder();
		for (int i = 0; i < this.nodes.size(); i++) {
			views.append("\n  ")
				.append(nodeName(i))
				.append(this.nodes.get(i).isRunning() ? " (running): meta leader " + metaLeaderSeenBy(i) : " (down)");
		}
		throw new IllegalStateException("The cluster had no " + what + " within " + timeout + "." + views);
	}

	private Optional<Integer> agreedMetaLeader() {
		String agreed = null;
		for (int i = 0; i < this.nodes.size(); i++) {
			if (!this.nodes.get(i).isRunning()) {
				continue;
			}
			String leader = metaLeaderSeenBy(i);
			if (leader == null || (agreed != null && !agreed.equals(leader))) {
				return Optional.empty();
			}
			agreed = leader;
		}
		return indexOf(agreed);
	}

	private @Nullable String metaLeaderSeenBy(int index) {
		try {
			HttpURLConnection http = (HttpURLConnection) new URL(
					"http://127.0.0.1:" + this.monitoringPorts.get(index) + "/jsz")
				.openConnection();
			http.setConnectTimeout(1000);
			http.setReadTimeout(2000);
			try (InputStream in = http.getInputStream()) {
				JsonValue jsz = JsonParser.parse(in.readAllBytes());
				JsonValue meta = (jsz.map != null) ? jsz.map.get("meta_cluster") : null;
				JsonValue leader = (meta != null && meta.map != null) ? meta.map.get("leader") : null;
				return (leader != null && leader.string != null && !leader.string.isEmpty()) ? leader.string : null;
			}
			finally {
				http.disconnect();
			}
		}
		catch (IOException ex) {
			return null;
		}
	}

	private Optional<Integer> indexOf(@Nullable String serverName) {
		for (int i = 0; i < this.nodes.size(); i++) {
			if (nodeName(i).equals(serverName)) {
				return Optional.of(i);
			}
		}
		return Optional.empty();
	}

}
