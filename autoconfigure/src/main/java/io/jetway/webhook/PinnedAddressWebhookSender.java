package io.jetway.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * A {@link WebhookSender} that connects to exactly the address {@link UrlGuard}
 * validated, with a small HTTP/1.1 client of its own on a plain {@link Socket} (and
 * {@link SSLSocket} for https).
 * <p>
 * <b>Why not {@code java.net.http.HttpClient}?</b> It resolves the host itself when it
 * connects, and offers no way to pin the address; the time between the check and that
 * second lookup is a DNS-rebinding window (a name that answered with a public address
 * during the check answers with {@code 169.254.169.254} for the connection). Here the
 * socket connects to an {@link InetSocketAddress} built from the validated
 * {@link InetAddress}, so no lookup happens after the check, while the request still
 * carries the original {@code Host} header and, for https, the original name as TLS SNI
 * ({@link SSLParameters#setServerNames}) and for certificate hostname verification
 * ({@link SSLParameters#setEndpointIdentificationAlgorithm} {@code "HTTPS"}). System
 * proxies are ignored ({@link Proxy#NO_PROXY}): a proxy would resolve the name again.
 * <p>
 * Every call is one attempt: validate the URL again, sign, connect (trying each validated
 * address in turn until one accepts), send {@code POST} with {@code Content-Length} and
 * {@code Connection: close}, read the status line and headers and, for a failure only, at
 * most {@code max-response-size} bytes of body. Redirects are never followed (a 3xx is a
 * permanent failure). Network errors, timeouts, 5xx and 429 are retryable; every other
 * failure is permanent.
 * <p>
 * Timeouts: {@code connect-timeout} per address; then {@code read-timeout} bounds
 * everything after connecting (TLS handshake, writing the request, the status line and
 * headers, the body read), enforced on every read and, for writes to a receiver that does
 * not read, by closing the socket when it passes.
 */
public class PinnedAddressWebhookSender implements WebhookSender, AutoCloseable {

	/**
	 * The User-Agent header sent.
	 */
	public static final String USER_AGENT = "Jetway-Webhook/1";

	/**
	 * The Content-Type header sent.
	 */
	public static final String CONTENT_TYPE = "application/json";

	private static final Log logger = LogFactory.getLog(PinnedAddressWebhookSender.class);

	private static final int MAX_HEADER_BYTES = 16 * 1024;

	private static final int MAX_ERROR_TEXT = 200;

	private static final int MAX_DELIVERY_ID_LENGTH = 200;

	private static final Set<String> RESERVED_HEADERS = Set.of("host", "user-agent", "content-type", "content-length",
			"connection", "transfer-encoding", WebhookSignature.HEADER.toLowerCase(Locale.ROOT),
			WebhookSignature.DELIVERY_ID_HEADER.toLowerCase(Locale.ROOT));

	private final UrlGuard urlGuard;

	private final @Nullable String signingSecret;

	private final Duration connectTimeout;

	private final Duration readTimeout;

	private final int maxResponseBytes;

	private final SSLSocketFactory sslSocketFactory;

	private final Clock clock;

	private final ScheduledThreadPoolExecutor watchdog;

	/**
	 * Creates a sender that trusts the JVM's default trust store and signs with the
	 * system clock.
	 * @param urlGuard validates every URL before sending
	 * @param properties the signing secret, timeouts and response limit
	 */
	public PinnedAddressWebhookSender(UrlGuard urlGuard, JetwayWebhookProperties properties) {
		this(urlGuard, properties, (SSLSocketFactory) SSLSocketFactory.getDefault(), Clock.systemUTC());
	}

	/**
	 * Creates a sender.
	 * @param urlGuard validates every URL before sending
	 * @param properties the signing secret, timeouts and response limit
	 * @param sslSocketFactory makes TLS connections (its trust material verifies
	 * receivers)
	 * @param clock the clock for signature timestamps
	 */
	public PinnedAddressWebhookSender(UrlGuard urlGuard, JetwayWebhookProperties properties,
			SSLSocketFactory sslSocketFactory, Clock clock) {
		Assert.notNull(urlGuard, "urlGuard must not be null");
		Assert.isTrue(properties.getConnectTimeout().toMillis() > 0, "connect-timeout must be positive");
		Assert.isTrue(properties.getReadTimeout().toMillis() > 0, "read-timeout must be positive");
		this.urlGuard = urlGuard;
		this.signingSecret = StringUtils.hasLength(properties.getSigningSecret()) ? properties.getSigningSecret()
				: null;
		this.connectTimeout = properties.getConnectTimeout();
		this.readTimeout = properties.getReadTimeout();
		this.maxResponseBytes = (int) Math.min(Integer.MAX_VALUE,
				Math.max(0, properties.getMaxResponseSize().toBytes()));
		this.sslSocketFactory = sslSocketFactory;
		this.clock = clock;
		this.watchdog = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = Executors.defaultThreadFactory().newThread(runnable);
			thread.setName("jetway-webhook-timeout");
			thread.setDaemon(true);
			return thread;
		});
		this.watchdog.setRemoveOnCancelPolicy(true);
	}

	@Override
	public ValidatedWebhookTarget validate(String url) {
		if (this.signingSecret == null) {
			throw new IllegalStateException(noSecretMessage());
		}
		return this.urlGuard.validate(url);
	}

	@Override
	public WebhookDeliveryResult send(String url, byte[] body, String deliveryId) {
		return send(url, body, deliveryId, Map.of());
	}

	@Override
	public WebhookDeliveryResult send(String url, byte[] body, String deliveryId, Map<String, String> headers) {
		checkDeliveryId(deliveryId);
		checkHeaders(headers);
		Assert.notNull(body, "body must not be null");
		if (this.signingSecret == null) {
			return WebhookDeliveryResult.permanentFailure(0, noSecretMessage());
		}
		ValidatedWebhookTarget target;
		try {
			target = this.urlGuard.validate(url);
		}
		catch (WebhookUrlRejectedException ex) {
			if (ex.isResolutionFailure()) {
				return WebhookDeliveryResult.retryable(0, ex.getReason(), null);
			}
			return WebhookDeliveryResult.permanentFailure(0, "URL rejected at send time: " + ex.getReason());
		}
		String signature = WebhookSignature.sign(this.signingSecret, this.clock.instant().getEpochSecond(), body);
		WebhookDeliveryResult result;
		try {
			result = exchange(target, body, signature, deliveryId, headers);
		}
		catch (IOException ex) {
			result = WebhookDeliveryResult.retryable(0, ex.getMessage(), null);
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Webhook delivery " + deliveryId + " to " + target.hostHeader() + ": " + result);
		}
		return result;
	}

	private WebhookDeliveryResult exchange(ValidatedWebhookTarget target, byte[] body, String signature,
			String deliveryId, Map<String, String> headers) throws IOException {
		Socket socket = connect(target);
		long deadline = System.nanoTime() + this.readTimeout.toNanos();
		AtomicBoolean timedOut = new AtomicBoolean();
		ScheduledFuture<?> timeout = this.watchdog.schedule(() -> {
			timedOut.set(true);
			closeQuietly(socket);
		}, this.readTimeout.toNanos(), TimeUnit.NANOSECONDS);
		Socket channel = socket;
		try {
			if (target.isHttps()) {
				channel = startTls(socket, target, deadline);
			}
			OutputStream out = channel.getOutputStream();
			out.write(requestHead(target, body.length, signature, deliveryId, headers));
			out.write(body);
			out.flush();
			ResponseReader reader = new ResponseReader(channel, deadline);
			ResponseHead head = reader.readHead();
			return classify(head, reader);
		}
		catch (SocketTimeoutException ex) {
			throw timeoutException(ex);
		}
		catch (SSLException ex) {
			if (timedOut.get()) {
				throw timeoutException(ex);
			}
			throw new IOException("TLS with " + describe(target, socket) + " failed: " + ex.getMessage(), ex);
		}
		catch (IOException ex) {
			if (timedOut.get()) {
				throw timeoutException(ex);
			}
			throw new IOException("exchange with " + describe(target, socket) + " failed: " + ex, ex);
		}
		finally {
			closeQuietly(channel);
			timeout.cancel(false);
			closeQuietly(socket);
		}
	}

	private Socket connect(ValidatedWebhookTarget target) throws IOException {
		IOException failure = null;
		for (InetAddress address : target.addresses()) {
			// NO_PROXY: a proxy would resolve the name again
			Socket socket = new Socket(Proxy.NO_PROXY);
			try {
				socket.connect(new InetSocketAddress(address, target.port()), (int) this.connectTimeout.toMillis());
				socket.setTcpNoDelay(true);
				return socket;
			}
			catch (SocketTimeoutException ex) {
				closeQuietly(socket);
				failure = new IOException("connecting to " + target.host() + " (" + BlockedAddresses.format(address)
						+ " port " + target.port() + ") timed out after " + this.connectTimeout.toMillis()
						+ " ms (jetway.jobs.webhooks.connect-timeout)", ex);
			}
			catch (ConnectException ex) {
				closeQuietly(socket);
				failure = new IOException("could not connect to " + target.host() + " ("
						+ BlockedAddresses.format(address) + " port " + target.port() + "): " + ex.getMessage(), ex);
			}
			catch (IOException ex) {
				closeQuietly(socket);
				failure = new IOException("could not connect to " + target.host() + " ("
						+ BlockedAddresses.format(address) + " port " + target.port() + "): " + ex, ex);
			}
		}
		throw (failure != null) ? failure : new IOException("no address to connect to");
	}

	private Socket startTls(Socket socket, ValidatedWebhookTarget target, long deadline) throws IOException {
		SSLSocket ssl = (SSLSocket) this.sslSocketFactory.createSocket(socket, target.host(), target.port(), true);
		SSLParameters parameters = ssl.getSSLParameters();
		parameters.setEndpointIdentificationAlgorithm("HTTPS");
		if (target.ipLiteral()) {
			// SNI carries host names only (RFC 6066); the certificate is checked against
			// the IP
			parameters.setServerNames(List.of());
		}
		else {
			try {
				parameters.setServerNames(List.of(new SNIHostName(target.host())));
			}
			catch (IllegalArgumentException ex) {
				// not a valid SNI name (an underscore, say): no SNI, hostname
				// verification still applies
				parameters.setServerNames(List.of());
			}
		}
		ssl.setSSLParameters(parameters);
		ssl.setSoTimeout(remainingMillis(deadline));
		ssl.startHandshake();
		return ssl;
	}

	/**
	 * Refuses extra headers that would break or forge the request: names must be HTTP
	 * tokens other than those the sender writes, values visible ASCII.
	 */
	private static void checkHeaders(Map<String, String> headers) {
		headers.forEach((name, value) -> {
			Assert.isTrue(!name.isEmpty() && name.chars().allMatch(PinnedAddressWebhookSender::isTokenChar),
					() -> "Webhook header name '" + name + "' is not an HTTP token");
			Assert.isTrue(!RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT)),
					() -> "Webhook header " + name + " is written by the sender and cannot be given");
			Assert.isTrue(value.chars().allMatch((c) -> c == '\t' || (c >= 0x20 && c < 0x7f)),
					() -> "The value of webhook header " + name + " has characters other than visible ASCII");
		});
	}

	private static boolean isTokenChar(int c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
				|| "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
	}

	private static byte[] requestHead(ValidatedWebhookTarget target, int contentLength, String signature,
			String deliveryId, Map<String, String> headers) {
		StringBuilder head = new StringBuilder(256);
		head.append("POST ").append(target.requestTarget()).append(" HTTP/1.1\r\n");
		head.append("Host: ").append(target.hostHeader()).append("\r\n");
		head.append("User-Agent: ").append(USER_AGENT).append("\r\n");
		head.append("Content-Type: ").append(CONTENT_TYPE).append("\r\n");
		head.append("Content-Length: ").append(contentLength).append("\r\n");
		head.append(WebhookSignature.HEADER).append(": ").append(signature).append("\r\n");
		head.append(WebhookSignature.DELIVERY_ID_HEADER).append(": ").append(deliveryId).append("\r\n");
		headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
		head.append("Connection: close\r\n");
		head.append("\r\n");
		return head.toString().getBytes(StandardCharsets.US_ASCII);
	}

	private WebhookDeliveryResult classify(ResponseHead head, ResponseReader reader) throws IOException {
		int status = head.status();
		if (status >= 200 && status < 300) {
			return WebhookDeliveryResult.delivered(status);
		}
		if (status >= 300 && status < 400) {
			String location = head.headers().get("location");
			return WebhookDeliveryResult.permanentFailure(status, "redirect not followed: the receiver answered "
					+ status + ((location != null) ? " to " + printable(location) : ""));
		}
		String text = "the receiver answered " + status + (head.reason().isEmpty() ? "" : " " + head.reason());
		String bodyText = printable(
				new String(reader.readBody(this.maxResponseBytes, contentLength(head)), StandardCharsets.UTF_8));
		if (!bodyText.isEmpty()) {
			text = text + ": " + bodyText;
		}
		if (status == 429 || (status >= 500 && status < 600)) {
			return WebhookDeliveryResult.retryable(status, text, retryAfter(head.headers().get("retry-after")));
		}
		return WebhookDeliveryResult.permanentFailure(status, text);
	}

	private static long contentLength(ResponseHead head) {
		String value = head.headers().get("content-length");
		if (value == null || head.headers().containsKey("transfer-encoding")) {
			return -1;
		}
		try {
			return Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private @Nullable Duration retryAfter(@Nullable String value) {
		if (value == null) {
			return null;
		}
		String trimmed = value.trim();
		if (!trimmed.isEmpty() && trimmed.length() < 10 && trimmed.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return Duration.ofSeconds(Long.parseLong(trimmed));
		}
		try {
			Duration until = Duration.between(this.clock.instant(),
					ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
			return until.isNegative() ? Duration.ZERO : until;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private IOException timeoutException(Exception cause) {
		return new IOException("the receiver did not answer within " + this.readTimeout.toMillis()
				+ " ms (jetway.jobs.webhooks.read-timeout)", cause);
	}

	private static String describe(ValidatedWebhookTarget target, Socket socket) {
		InetAddress address = socket.getInetAddress();
		return target.host() + " (" + ((address != null) ? BlockedAddresses.format(address) : "?") + " port "
				+ target.port() + ")";
	}

	private static void checkDeliveryId(String deliveryId) {
		Assert.hasLength(deliveryId, "deliveryId must not be empty");
		Assert.isTrue(deliveryId.length() <= MAX_DELIVERY_ID_LENGTH,
				() -> "deliveryId must not be longer than " + MAX_DELIVERY_ID_LENGTH + " characters");
		Assert.isTrue(deliveryId.chars().allMatch((c) -> c > 0x20 && c < 0x7f),
				"deliveryId must be printable ASCII without spaces");
	}

	private static String noSecretMessage() {
		return "no webhook signing secret is configured: set jetway.jobs.webhooks.signing-secret "
				+ "(for example to the output of 'openssl rand -hex 32')";
	}

	private static int remainingMillis(long deadline) throws SocketTimeoutException {
		long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
		if (remaining <= 0) {
			throw new SocketTimeoutException("read deadline passed");
		}
		return (int) Math.min(Integer.MAX_VALUE, remaining);
	}

	/**
	 * Makes text from a receiver safe to record: control characters become spaces, runs
	 * of white space collapse, and it is cut at a few hundred characters.
	 */
	static String printable(String text) {
		StringBuilder result = new StringBuilder(Math.min(text.length(), MAX_ERROR_TEXT + 3));
		boolean space = false;
		for (int i = 0; i < text.length() && result.length() < MAX_ERROR_TEXT; i++) {
			char c = text.charAt(i);
			if (Character.isWhitespace(c) || Character.isISOControl(c)) {
				space = result.length() > 0;
				continue;
			}
			if (space) {
				result.append(' ');
				space = false;
			}
			result.append(c);
		}
		return (result.length() >= MAX_ERROR_TEXT) ? result + "..." : result.toString();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

	/**
	 * Stops the timeout watchdog thread.
	 */
	@Override
	public void close() {
		this.watchdog.shutdownNow();
	}

	private record ResponseHead(int status, String reason, Map<String, String> headers) {

	}

	/**
	 * Reads a response within a deadline, never more than the caller asks for.
	 */
	private static final class ResponseReader {

		private final Socket socket;

		private final InputStream in;

		private final long deadline;

		private final byte[] buffer = new byte[4096];

		private int position;

		private int limit;

		ResponseReader(Socket socket, long deadline) throws IOException {
			this.socket = socket;
			this.in = socket.getInputStream();
			this.deadline = deadline;
		}

		ResponseHead readHead() throws IOException {
			int[] budget = { MAX_HEADER_BYTES };
			while (true) {
				String statusLine = readLine(budget);
				if (statusLine == null) {
					throw new IOException("the receiver closed the connection without answering");
				}
				if (!statusLine.matches("HTTP/1\\.[01] [0-9]{3}( .*)?")) {
					throw new IOException("the receiver sent a malformed status line: '" + printable(statusLine) + "'");
				}
				int status = Integer.parseInt(statusLine.substring(9, 12));
				String reason = (statusLine.length() > 13) ? printable(statusLine.substring(13)) : "";
				Map<String, String> headers = new LinkedHashMap<>();
				String line;
				while ((line = readLine(budget)) != null && !line.isEmpty()) {
					int colon = line.indexOf(':');
					if (colon > 0 && line.charAt(0) != ' ' && line.charAt(0) != '\t') {
						headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
								line.substring(colon + 1).trim());
					}
				}
				if (line == null) {
					throw new IOException("the receiver closed the connection in the middle of the response headers");
				}
				if (status >= 100 && status < 200 && status != 101) {
					continue; // interim response (100 Continue, 103 Early Hints)
				}
				return new ResponseHead(status, reason, headers);
			}
		}

		/**
		 * Reads at most {@code max} bytes of body (fewer when the content length says so,
		 * or the connection ends).
		 */
		byte[] readBody(int max, long contentLength) throws IOException {
			int wanted = (int) ((contentLength >= 0) ? Math.min(max, contentLength) : max);
			byte[] body = new byte[wanted];
			int read = 0;
			try {
				while (read < wanted) {
					if (this.position == this.limit && !fill(wanted - read)) {
						break;
					}
					int count = Math.min(wanted - read, this.limit - this.position);
					System.arraycopy(this.buffer, this.position, body, read, count);
					this.position += count;
					read += count;
				}
			}
			catch (IOException ex) {
				// the status is known; the body is only for the error text
			}
			return (read == wanted) ? body : java.util.Arrays.copyOf(body, read);
		}

		private @Nullable String readLine(int[] budget) throws IOException {
			StringBuilder line = new StringBuilder();
			while (true) {
				if (this.position == this.limit && !fill(this.buffer.length)) {
					return (line.length() > 0) ? line.toString() : null;
				}
				int b = this.buffer[this.position++] & 0xff;
				if (--budget[0] < 0) {
					throw new IOException("the receiver's response headers exceed " + MAX_HEADER_BYTES + " bytes");
				}
				if (b == '\n') {
					int end = line.length();
					if (end > 0 && line.charAt(end - 1) == '\r') {
						line.setLength(end - 1);
					}
					return line.toString();
				}
				line.append((char) b);
			}
		}

		private boolean fill(int most) throws IOException {
			this.socket.setSoTimeout(remainingMillis(this.deadline));
			int count = this.in.read(this.buffer, 0, Math.min(most, this.buffer.length));
			if (count < 0) {
				return false;
			}
			this.position = 0;
			this.limit = count;
			return true;
		}

	}

}
