package io.jetway.test.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on a free loopback port in front of one target address, that a test can
 * cut, blackhole or slow down to make network partitions without root privileges.
 * <ul>
 * <li>{@link #cut()}: every open connection is closed and the port refuses new ones
 * ("connection refused"), as when the target host is down.</li>
 * <li>{@link #blackhole()}: connections are accepted and kept, but every byte is silently
 * dropped both ways, so clients see timeouts, as in a partition.</li>
 * <li>{@link #blackholeFrom(String)}: the same, from the moment the target sends given
 * bytes (a message on its way to the client, which is lost with the partition).</li>
 * <li>{@link #delay(Duration)}: every chunk of bytes is forwarded that much later, both
 * ways.</li>
 * <li>{@link #heal()}: back to normal forwarding. Connections that lost bytes in a
 * blackhole are closed by {@code heal()}: their byte stream is corrupt, and a real
 * connection would have timed out; clients reconnect.</li>
 * </ul>
 * The port stays the same for the proxy's whole life (a cut closes the listening socket
 * and {@code heal()} binds the same port again).
 */
public final class FaultProxy implements AutoCloseable {

	private static final int BUFFER_SIZE = 16 * 1024;

	private final InetSocketAddress target;

	private final int port;

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private volatile Mode mode = Mode.FORWARD;

	private volatile long delayNanos;

	/** What arms {@link #blackholeFrom(String)}, while it waits for it. */
	private volatile byte @Nullable [] blackholeMarker;

	private volatile boolean closed;

	private @Nullable ServerSocket listener;

	private @Nullable Thread acceptor;

	private FaultProxy(InetSocketAddress target) {
		this.target = target;
		ServerSocket socket = bind(0);
		this.port = socket.getLocalPort();
		listen(socket);
	}

	/**
	 * Starts a proxy in front of {@code host:port}.
	 * @param host the target host, for example {@code 127.0.0.1}
	 * @param port the target port
	 * @return the running proxy, forwarding
	 */
	public static FaultProxy to(String host, int port) {
		return new FaultProxy(new InetSocketAddress(host, port));
	}

	/** The proxy's port on 127.0.0.1, where clients connect. */
	public int port() {
		return this.port;
	}

	/**
	 * The proxy's address with the given scheme, for example {@code url("nats")} gives
	 * {@code nats://127.0.0.1:41234} and {@code url("jdbc:postgresql")} gives
	 * {@code jdbc:postgresql://127.0.0.1:41234}.
	 */
	public String url(String scheme) {
		return scheme + "://127.0.0.1:" + this.port;
	}

	/**
	 * {@code url} with the target's {@code host:port} replaced by the proxy's, for
	 * example a JDBC URL of the proxied database that goes through the proxy.
	 * @throws IllegalArgumentException if {@code url} does not name the target
	 */
	public String through(String url) {
		String target = this.target.getHostString() + ":" + this.target.getPort();
		if (!url.contains(target)) {
			throw new IllegalArgumentException("'" + url + "' does not name the proxy's target " + target);
		}
		return url.replace(target, "127.0.0.1:" + this.port);
	}

	/** How many client connections the proxy holds open now. */
	public int openConnections() {
		return this.connections.size();
	}

	/** Closes every open connection and refuses new ones until {@link #heal()}. */
	public synchronized void cut() {
		this.blackholeMarker = null;
		this.mode = Mode.CUT;
		closeListener();
		closeConnections(false);
	}

	/**
	 * Keeps connections open and accepts new ones, but drops every byte both ways until
	 * {@link #heal()}.
	 */
	public synchronized void blackhole() {
		this.blackholeMarker = null;
		this.mode = Mode.BLACKHOLE;
		ensureListening();
	}

	/**
	 * Forwards until the target sends a chunk of bytes that contains {@code marker}, then
	 * drops that chunk and blackholes as {@link #blackhole()} does. A partition that
	 * surely catches something in flight towards a client, for example a JetStream
	 * message delivered to a consumer (its reply subject
	 * {@code $JS.ACK.<stream>.<consumer>.}), instead of one that may fall between
	 * messages. {@link #isBlackholed()} tells when it happened.
	 * @param marker what to look for in the target's bytes (ASCII)
	 */
	public synchronized void blackholeFrom(String marker) {
		if (this.mode != Mode.FORWARD) {
			throw new IllegalStateException("blackholeFrom(\"" + marker
					+ "\") needs a forwarding proxy, but it is in mode " + this.mode + ": call heal() first");
		}
		this.blackholeMarker = marker.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * Whether the proxy drops every byte now ({@link #blackhole()}, or an armed
	 * {@link #blackholeFrom(String)} that saw its marker).
	 */
	public boolean isBlackholed() {
		return this.mode == Mode.BLACKHOLE;
	}

	/**
	 * Forwards every chunk of bytes {@code delay} later, both ways; {@link Duration#ZERO}
	 * removes the delay. Does not change a cut or a blackhole.
	 */
	public void delay(Duration delay) {
		this.delayNanos = delay.toNanos();
	}

	/**
	 * Back to normal: forwards again without delay, listens again after a cut, and closes
	 * the connections that lost bytes in a blackhole.
	 */
	public synchronized void heal() {
		this.blackholeMarker = null;
		this.delayNanos = 0;
		this.mode = Mode.FORWARD;
		ensureListening();
		closeConnections(true);
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		closeListener();
		closeConnections(false);
	}

	private void ensureListening() {
		if (this.listener == null && !this.closed) {
			listen(bind(this.port));
		}
	}

	private void listen(ServerSocket socket) {
		this.listener = socket;
		Thread thread = new Thread(() -> accept(socket), "fault-proxy-accept-" + this.port);
		thread.setDaemon(true);
		thread.start();
		this.acceptor = thread;
	}

	private void accept(ServerSocket socket) {
		while (!socket.isClosed()) {
			try {
				Socket client = socket.accept();
				Thread opener = new Thread(() -> open(client), "fault-proxy-open-" + this.port);
				opener.setDaemon(true);
				opener.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void open(Socket client) {
		Socket upstream = new Socket();
		try {
			client.setTcpNoDelay(true);
			upstream.setTcpNoDelay(true);
			upstream.connect(this.target, 5000);
		}
		catch (IOException ex) {
			closeQuietly(client);
			closeQuietly(upstream);
			return;
		}
		Connection connection = new Connection(client, upstream);
		this.connections.add(connection);
		if (this.mode == Mode.CUT || this.closed) {
			connection.close();
			return;
		}
		connection.start();
	}

	private void closeListener() {
		ServerSocket current = this.listener;
		Thread thread = this.acceptor;
		this.listener = null;
		this.acceptor = null;
		if (current != null) {
			closeQuietly(current);
		}
		if (thread != null) {
			// the socket only stops listening once the thread blocked in accept() has
			// left it
			try {
				thread.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void closeConnections(boolean onlyCorrupted) {
		for (Connection connection : this.connections) {
			if (!onlyCorrupted || connection.lostBytes.get()) {
				connection.close();
			}
		}
	}

	private synchronized void blackholeOnMarker(byte[] marker) {
		// not when heal() or cut() came first
		if (this.blackholeMarker == marker && this.mode == Mode.FORWARD) {
			this.blackholeMarker = null;
			this.mode = Mode.BLACKHOLE;
		}
	}

	private static byte[] concat(byte[] head, byte[] buffer, int length) {
		byte[] joined = Arrays.copyOf(head, head.length + length);
		System.arraycopy(buffer, 0, joined, head.length, length);
		return joined;
	}

	private static int indexOf(byte[] bytes, byte[] marker) {
		for (int start = 0; start + marker.length <= bytes.length; start++) {
			if (Arrays.equals(bytes, start, start + marker.length, marker, 0, marker.length)) {
				return start;
			}
		}
		return -1;
	}

	private static ServerSocket bind(int port) {
		// a cut may have left accepted sockets in TIME_WAIT on this port
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (true) {
			try {
				ServerSocket socket = new ServerSocket();
				socket.setReuseAddress(true);
				try {
					socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
				}
				catch (IOException ex) {
					socket.close();
					throw ex;
				}
				return socket;
			}
			catch (IOException ex) {
				if (System.nanoTime() > deadline) {
					throw new UncheckedIOException("Could not listen on 127.0.0.1:" + port + " again", ex);
				}
				LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
			}
		}
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// already closed
		}
	}

	private enum Mode {

		FORWARD, CUT, BLACKHOLE

	}

	/** One client connection and its upstream connection, pumped both ways. */
	private final class Connection {

		private final Socket client;

		private final Socket upstream;

		private final AtomicBoolean lostBytes = new AtomicBoolean();

		private final AtomicBoolean closed = new AtomicBoolean();

		Connection(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		void start() {
			pump(this.client, this.upstream, "up");
			pump(this.upstream, this.client, "down");
		}

		private void pump(Socket from, Socket to, String direction) {
			LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
			boolean fromTarget = from == this.upstream;
			Thread reader = new Thread(() -> read(from, queue, fromTarget),
					"fault-proxy-" + direction + "-read-" + FaultProxy.this.port);
			Thread writer = new Thread(() -> write(to, queue),
					"fault-proxy-" + direction + "-write-" + FaultProxy.this.port);
			reader.setDaemon(true);
			writer.setDaemon(true);
			reader.start();
			writer.start();
		}

		private void read(Socket from, LinkedBlockingQueue<Chunk> queue, boolean fromTarget) {
			byte[] buffer = new byte[BUFFER_SIZE];
			// the end of the previous chunk, for a marker split between two chunks
			byte[] tail = new byte[0];
			try {
				InputStream in = from.getInputStream();
				int read;
				while ((read = in.read(buffer)) >= 0) {
					byte[] marker = FaultProxy.this.blackholeMarker;
					if (fromTarget && marker != null) {
						byte[] seen = concat(tail, buffer, read);
						if (indexOf(seen, marker) >= 0) {
							blackholeOnMarker(marker);
						}
						tail = Arrays.copyOfRange(seen, Math.max(0, seen.length - marker.length + 1), seen.length);
					}
					if (FaultProxy.this.mode == Mode.BLACKHOLE) {
						this.lostBytes.set(true);
						continue;
					}
					queue.put(new Chunk(System.nanoTime() + FaultProxy.this.delayNanos, Arrays.copyOf(buffer, read)));
				}
			}
			catch (IOException ex) {
				// closed by the peer, by cut() or by close()
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				queue.add(Chunk.END);
			}
		}

		private void write(Socket to, LinkedBlockingQueue<Chunk> queue) {
			try {
				OutputStream out = to.getOutputStream();
				while (!this.closed.get()) {
					Chunk chunk = queue.poll(1, TimeUnit.SECONDS);
					if (chunk == null) {
						continue;
					}
					if (chunk == Chunk.END) {
						break;
					}
					long wait;
					while ((wait = chunk.dueNanos - System.nanoTime()) > 0 && !this.closed.get()) {
						LockSupport.parkNanos(wait);
					}
					if (FaultProxy.this.mode == Mode.BLACKHOLE) {
						this.lostBytes.set(true);
						continue;
					}
					out.write(chunk.bytes);
					out.flush();
				}
			}
			catch (SocketException ex) {
				// closed by the peer, by cut() or by close()
			}
			catch (IOException ex) {
				// closed by the peer
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				close();
			}
		}

		void close() {
			if (this.closed.compareAndSet(false, true)) {
				closeQuietly(this.client);
				closeQuietly(this.upstream);
				FaultProxy.this.connections.remove(this);
			}
		}

	}

	private record Chunk(long dueNanos, byte[] bytes) {

		static final Chunk END = new Chunk(0, new byte[0]);

	}

}
