package io.jetway.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManagerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link PinnedAddressWebhookSender} against real local HTTP and HTTPS receivers on
 * 127.0.0.1. Names resolve through a {@link FakeHostResolver} only (the system resolver
 * knows none of them, so a delivery that arrives proves the sender connected to the
 * validated address without a second lookup); no test contacts a public host.
 */
class WebhookSenderTest {

	private static final String SECRET = "whsec-sender-test";

	private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_790_000_000L), ZoneOffset.UTC);

	private static final String STORE_PASSWORD = "changeit";

	@TempDir
	static Path certificates;

	private static Path keyStore;

	private final List<Receiver> receivers = new ArrayList<>();

	private final List<PinnedAddressWebhookSender> senders = new ArrayList<>();

	private final List<CountDownLatch> latches = new ArrayList<>();

	private final byte[] body = "{\"id\":\"job-42\",\"status\":\"completed\"}".getBytes(StandardCharsets.UTF_8);

	@BeforeAll
	static void createCertificate() throws Exception {
		keyStore = certificates.resolve("receiver.p12");
		Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
				"-genkeypair", "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
				"CN=receiver.test", "-ext", "san=dns:receiver.test", "-validity", "2", "-storetype", "PKCS12",
				"-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD)
			.redirectErrorStream(true)
			.start();
		String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(keytool.exitValue()).as(output).isZero();
	}

	@AfterEach
	void cleanUp() {
		this.latches.forEach(CountDownLatch::countDown);
		this.receivers.forEach(Receiver::stop);
		this.senders.forEach(PinnedAddressWebhookSender::close);
	}

	@Test
	void signedPostReachesTheReceiverAtTheValidatedAddress() {
		Receiver receiver = receiver((request) -> Response.of(204, ""));
		FakeHostResolver resolver = new FakeHostResolver().map("receiver.test", "127.0.0.1");
		PinnedAddressWebhookSender sender = sender(allowing(resolver, "receiver.test"), properties());
		String url = "http://receiver.test:" + receiver.port() + "/hooks/jobs?tenant=7";

		WebhookDeliveryResult result = sender.send(url, this.body, "delivery-0001");

		assertThat(result.isDelivered()).as(String.valueOf(result)).isTrue();
		assertThat(result.statusCode()).isEqualTo(204);
		assertThat(result.error()).isNull();
		assertThat(receiver.requests()).singleElement().satisfies((request) -> {
			assertThat(request.method()).isEqualTo("POST");
			assertThat(request.target()).isEqualTo("/hooks/jobs?tenant=7");
			assertThat(request.header("Host")).isEqualTo("receiver.test:" + receiver.port());
			assertThat(request.header("Content-Type")).isEqualTo("application/json");
			assertThat(request.header("Content-Length")).isEqualTo(String.valueOf(this.body.length));
			assertThat(request.header("Connection")).isEqualTo("close");
			assertThat(request.header("User-Agent")).isEqualTo(PinnedAddressWebhookSender.USER_AGENT);
			assertThat(request.header(WebhookSignature.DELIVERY_ID_HEADER)).isEqualTo("delivery-0001");
			assertThat(request.body()).isEqualTo(this.body);
			String signature = request.header(WebhookSignature.HEADER);
			assertThat(signature).startsWith("t=1790000000,v1=");
			assertThat(WebhookSignatureVerifier.verify(SECRET, signature, request.body(), Duration.ofMinutes(5), CLOCK))
				.isTrue();
		});
		// one lookup, by the validation right before sending; none for the connection
		assertThat(resolver.lookups()).containsExactly("receiver.test");
	}

	@Test
	void ipLiteralReceiverAllowedThroughPrivateNetworks() {
		Receiver receiver = receiver((request) -> Response.of(200, "ok"));
		UrlGuard guard = new UrlGuard(new FakeHostResolver(), List.of(), true);
		PinnedAddressWebhookSender sender = sender(guard, properties());

		WebhookDeliveryResult result = sender.send("http://127.0.0.1:" + receiver.port(), "{}", "d-2");

		assertThat(result.isDelivered()).as(String.valueOf(result)).isTrue();
		assertThat(receiver.requests()).singleElement().satisfies((request) -> {
			assertThat(request.target()).isEqualTo("/");
			assertThat(request.header("Host")).isEqualTo("127.0.0.1:" + receiver.port());
		});
	}

	@Test
	void serverErrorIsRetryableAndRecordsTheStatusAndBody() {
		Receiver receiver = receiver((request) -> Response.of(500, "database down\r\n"));
		PinnedAddressWebhookSender sender = sender(privateNetworks(), properties());

		WebhookDeliveryResult result = sender.send(localUrl(receiver), this.body, "d-500");

		assertThat(result.outcome()).isEqualTo(WebhookDeliveryResult.Outcome.RETRYABLE_FAILURE);
		assertThat(result.statusCode()).isEqualTo(500);
		assertThat(result.error()).contains("answered 500").contains("database down");
		assertThat(receiver.requests()).hasSize(1);
		WebhookBackoff backoff = WebhookBackoff.of(properties());
		assertThat(backoff.nextDelay(1, result)).contains(Duration.ofSeconds(10));
	}

	@Test
	void tooManyRequestsIsRetryableWithRetryAfter() {
		Receiver receiver = receiver((request) -> Response.of(429, "slow down", Map.of("Retry-After", "7")));
		PinnedAddressWebhookSender sender = sender(privateNetworks(), properties());

		WebhookDeliveryResult result = sender.send(localUrl(receiver), this.body, "d-429");

		assertThat(result.isRetryable()).isTrue();
		assertThat(result.statusCode()).isEqualTo(429);
		assertThat(result.retryAfter()).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void clientErrorIsPermanent() {
		Receiver receiver = receiver((request) -> Response.of(410, "gone"));
		PinnedAddressWebhookSender sender = sender(privateNetworks(), properties());

		WebhookDeliveryResult result = sender.send(localUrl(receiver), this.body, "d-410");

		assertThat(result.outcome()).isEqualTo(WebhookDeliveryResult.Outcome.PERMANENT_FAILURE);
		assertThat(result.statusCode()).isEqualTo(410);
		assertThat(result.error()).contains("answered 410").contains("gone");
	}

	@Test
	void redirectIsNotFollowed() {
		Receiver target = receiver((request) -> Response.of(200, "should never be reached"));
		String targetUrl = "http://127.0.0.1:" + target.port() + "/elsewhere";
		Receiver receiver = receiver((request) -> Response.of(302, "", Map.of("Location", targetUrl)));
		PinnedAddressWebhookSender sender = sender(privateNetworks(), properties());

		WebhookDeliveryResult result = sender.send(localUrl(receiver), this.body, "d-302");

		assertThat(result.outcome()).isEqualTo(WebhookDeliveryResult.Outcome.PERMANENT_FAILURE);
		assertThat(result.statusCode()).isEqualTo(302);
		assertThat(result.error()).contains("redirect not followed").contains(targetUrl);
		assertThat(receiver.requests()).hasSize(1);
		await().during(Duration.ofMillis(300))
			.atMost(Duration.ofSeconds(2))
			.untilAsserted(() -> assertThat(target.requests()).isEmpty());
	}

	@Test
	void receiverThatDoesNotAnswerTimesOutAsRetryable() {
		CountDownLatch release = latch();
		Receiver receiver = receiver((request) -> {
			awaitQuietly(release);
			return Response.of(200, "too late");
		});
		JetwayWebhookProperties properties = properties();
		properties.setReadTimeout(Duration.ofMillis(300));
		PinnedAddressWebhookSender sender = sender(privateNetworks(), properties);

		long start = System.nanoTime();
		WebhookDeliveryResult result = sender.send(localUrl(receiver), this.body, "d-slow");

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(result.isRetryable()).isTrue();
		assertThat(result.statusCode()).isZero();
		assertThat(result.error()).contains("did not answer within 300 ms")
			.contains("jetway.jobs.webhooks.read-timeout");
	}

	@Test
	void onlyASmallPartOfALargeResponseIsRead() {
		Receiver receiver = receiver((request) -> Response.of(503, "x".repeat(512 * 1024)));
		JetwayWebhookProperties properties = properties();
		properties.setMaxResponseSize(DataSize.ofBytes(100));
		PinnedAddressWebhookSender sender = sender(privateNetworks(), properties);

		WebhookDeliveryResult result = sender.send(localUrl(receiver), this.body, "d-big");

		assertThat(result.isRetryable()).isTrue();
		assertThat(result.statusCode()).isEqualTo(503);
		assertThat(result.error()).contains("x".repeat(100)).doesNotContain("x".repeat(101));
	}

	@Test
	void refusedConnectionIsRetryable() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		PinnedAddressWebhookSender sender = sender(privateNetworks(), properties());

		WebhookDeliveryResult result = sender.send("http://127.0.0.1:" + port + "/", this.body, "d-refused");

		assertThat(result.isRetryable()).isTrue();
		assertThat(result.error()).contains("could not connect to 127.0.0.1 (127.0.0.1 port " + port + ")");
	}

	@Test
	void addressThatChangesToPrivateAfterEnqueueIsRejectedAtSendTime() {
		Receiver receiver = receiver((request) -> Response.of(200, "must not be reached"));
		FakeHostResolver rebinding = new FakeHostResolver().map("rebind.example.com", "93.184.216.34")
			.map("rebind.example.com", "127.0.0.1");
		PinnedAddressWebhookSender sender = sender(new UrlGuard(rebinding), properties());
		String url = "http://rebind.example.com:" + receiver.port() + "/hook";

		ValidatedWebhookTarget atEnqueue = sender.validate(url);
		WebhookDeliveryResult result = sender.send(url, this.body, "d-rebind");

		assertThat(atEnqueue.address().getHostAddress()).isEqualTo("93.184.216.34");
		assertThat(result.outcome()).isEqualTo(WebhookDeliveryResult.Outcome.PERMANENT_FAILURE);
		assertThat(result.error()).isEqualTo("URL rejected at send time: host 'rebind.example.com' resolves to "
				+ "127.0.0.1, which is a loopback address (127.0.0.0/8)");
		assertThat(receiver.requests()).isEmpty();
		assertThat(rebinding.lookups()).hasSize(2);
	}

	@Test
	void urlThatBreaksTheRulesIsNeverSent() {
		PinnedAddressWebhookSender sender = sender(new UrlGuard(new FakeHostResolver()), properties());

		WebhookDeliveryResult result = sender.send("http://169.254.169.254/latest/meta-data/", this.body, "d-meta");

		assertThat(result.outcome()).isEqualTo(WebhookDeliveryResult.Outcome.PERMANENT_FAILURE);
		assertThat(result.error()).contains("cloud metadata address");
	}

	@Test
	void hostThatNoLongerResolvesIsRetryable() {
		PinnedAddressWebhookSender sender = sender(new UrlGuard(new FakeHostResolver()), properties());

		WebhookDeliveryResult result = sender.send("https://gone.example.com/hook", this.body, "d-dns");

		assertThat(result.isRetryable()).isTrue();
		assertThat(result.error()).contains("could not be resolved");
	}

	@Test
	void withoutSigningSecretNothingIsSent() {
		Receiver receiver = receiver((request) -> Response.of(200, ""));
		JetwayWebhookProperties properties = properties();
		properties.setSigningSecret("");
		PinnedAddressWebhookSender sender = sender(privateNetworks(), properties);

		WebhookDeliveryResult result = sender.send(localUrl(receiver), this.body, "d-nosecret");

		assertThat(result.outcome()).isEqualTo(WebhookDeliveryResult.Outcome.PERMANENT_FAILURE);
		assertThat(result.error()).contains("jetway.jobs.webhooks.signing-secret");
		assertThat(receiver.requests()).isEmpty();
		assertThatIllegalStateException().isThrownBy(() -> sender.validate(localUrl(receiver)))
			.withMessageContaining("jetway.jobs.webhooks.signing-secret");
	}

	@Test
	void extraHeadersAreSentAfterJetwaysOwn() {
		Receiver receiver = receiver((request) -> Response.of(200, "ok"));
		PinnedAddressWebhookSender sender = sender(privateNetworks(), properties());
		String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

		WebhookDeliveryResult result = sender.send(localUrl(receiver), this.body, "d-3",
				Map.of("traceparent", traceparent));

		assertThat(result.isDelivered()).as(String.valueOf(result)).isTrue();
		assertThat(receiver.requests()).singleElement()
			.satisfies((request) -> assertThat(request.header("traceparent")).isEqualTo(traceparent));
	}

	@Test
	void extraHeadersMustNotBreakOrForgeTheRequest() {
		Receiver receiver = receiver((request) -> Response.of(200, "ok"));
		PinnedAddressWebhookSender sender = sender(privateNetworks(), properties());
		String url = localUrl(receiver);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> sender.send(url, this.body, "d-4", Map.of("traceparent", "x\r\nX-Injected: yes")));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> sender.send(url, this.body, "d-4", Map.of("Bad Name", "x")));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> sender.send(url, this.body, "d-4", Map.of("Content-Length", "0")));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> sender.send(url, this.body, "d-4", Map.of(WebhookSignature.HEADER, "t=1,v1=00")));
		assertThat(receiver.requests()).isEmpty();
	}

	@Test
	void deliveryIdMustBeSafeForAHeader() {
		PinnedAddressWebhookSender sender = sender(privateNetworks(), properties());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> sender.send("http://127.0.0.1:1/", this.body, "id\r\nX-Injected: yes"));
		assertThatIllegalArgumentException().isThrownBy(() -> sender.send("http://127.0.0.1:1/", this.body, ""));
	}

	@Test
	void httpsSendsSniAndVerifiesTheCertificateHostname() throws Exception {
		List<String> serverNames = new CopyOnWriteArrayList<>();
		Receiver receiver = httpsReceiver(serverNames, (request) -> Response.of(202, ""));
		FakeHostResolver resolver = new FakeHostResolver().map("receiver.test", "127.0.0.1");
		PinnedAddressWebhookSender sender = sender(allowing(resolver, "receiver.test"), properties());

		WebhookDeliveryResult result = sender.send("https://receiver.test:" + receiver.port() + "/secure", this.body,
				"d-tls");

		assertThat(result.isDelivered()).as(String.valueOf(result)).isTrue();
		assertThat(result.statusCode()).isEqualTo(202);
		assertThat(serverNames).containsExactly("receiver.test");
		assertThat(receiver.requests()).singleElement().satisfies((request) -> {
			assertThat(request.header("Host")).isEqualTo("receiver.test:" + receiver.port());
			assertThat(WebhookSignatureVerifier.verify(SECRET, request.header(WebhookSignature.HEADER), request.body(),
					Duration.ofMinutes(5), CLOCK))
				.isTrue();
		});
	}

	@Test
	void httpsToANameTheCertificateDoesNotCoverFails() throws Exception {
		List<String> serverNames = new CopyOnWriteArrayList<>();
		Receiver receiver = httpsReceiver(serverNames, (request) -> Response.of(200, ""));
		FakeHostResolver resolver = new FakeHostResolver().map("impostor.test", "127.0.0.1");
		PinnedAddressWebhookSender sender = sender(allowing(resolver, "impostor.test"), properties());

		WebhookDeliveryResult result = sender.send("https://impostor.test:" + receiver.port() + "/", this.body,
				"d-impostor");

		assertThat(result.isDelivered()).isFalse();
		assertThat(result.isRetryable()).isTrue();
		assertThat(result.error()).contains("TLS with impostor.test");
		assertThat(serverNames).containsExactly("impostor.test");
		assertThat(receiver.requests()).isEmpty();
	}

	private JetwayWebhookProperties properties() {
		JetwayWebhookProperties properties = new JetwayWebhookProperties();
		properties.setSigningSecret(SECRET);
		properties.setConnectTimeout(Duration.ofSeconds(2));
		properties.setReadTimeout(Duration.ofSeconds(5));
		return properties;
	}

	private static UrlGuard privateNetworks() {
		return new UrlGuard(new FakeHostResolver(), List.of(), true);
	}

	private static UrlGuard allowing(FakeHostResolver resolver, String host) {
		return new UrlGuard(resolver, List.of(host), false);
	}

	private PinnedAddressWebhookSender sender(UrlGuard guard, JetwayWebhookProperties properties) {
		try {
			PinnedAddressWebhookSender sender = new PinnedAddressWebhookSender(guard, properties,
					clientSslContext().getSocketFactory(), CLOCK);
			this.senders.add(sender);
			return sender;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String localUrl(Receiver receiver) {
		return "http://127.0.0.1:" + receiver.port() + "/hook";
	}

	private CountDownLatch latch() {
		CountDownLatch latch = new CountDownLatch(1);
		this.latches.add(latch);
		return latch;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private Receiver receiver(Function<RecordedRequest, Response> behaviour) {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			return start(server, behaviour);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Receiver httpsReceiver(List<String> serverNames, Function<RecordedRequest, Response> behaviour)
			throws Exception {
		HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.setHttpsConfigurator(new HttpsConfigurator(serverSslContext()) {

			@Override
			public void configure(HttpsParameters parameters) {
				SSLParameters sslParameters = getSSLContext().getDefaultSSLParameters();
				sslParameters.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {

					@Override
					public boolean matches(SNIServerName serverName) {
						serverNames.add(new String(serverName.getEncoded(), StandardCharsets.US_ASCII));
						return true;
					}

				}));
				parameters.setSSLParameters(sslParameters);
			}

		});
		return start(server, behaviour);
	}

	private Receiver start(HttpServer server, Function<RecordedRequest, Response> behaviour) {
		ExecutorService executor = Executors.newCachedThreadPool();
		Receiver receiver = new Receiver(server, executor, new CopyOnWriteArrayList<>());
		server.setExecutor(executor);
		server.createContext("/", (exchange) -> receiver.handle(exchange, behaviour));
		server.start();
		this.receivers.add(receiver);
		return receiver;
	}

	private static KeyStore loadKeyStore() throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keyStore)) {
			store.load(in, STORE_PASSWORD.toCharArray());
		}
		return store;
	}

	private static SSLContext serverSslContext() throws Exception {
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(loadKeyStore(), STORE_PASSWORD.toCharArray());
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keyManagers.getKeyManagers(), null, null);
		return context;
	}

	private static SSLContext clientSslContext() throws Exception {
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(loadKeyStore());
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trustManagers.getTrustManagers(), null);
		return context;
	}

	record RecordedRequest(String method, String target, Map<String, List<String>> headers, byte[] body) {

		String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().equalsIgnoreCase(name))
				.map((entry) -> String.join(",", entry.getValue()))
				.findFirst()
				.orElse(null);
		}

	}

	record Response(int status, String body, Map<String, String> headers) {

		static Response of(int status, String body) {
			return new Response(status, body, Map.of());
		}

		static Response of(int status, String body, Map<String, String> headers) {
			return new Response(status, body, headers);
		}

	}

	record Receiver(HttpServer server, ExecutorService executor, List<RecordedRequest> requests) {

		int port() {
			return this.server.getAddress().getPort();
		}

		void handle(HttpExchange exchange, Function<RecordedRequest, Response> behaviour) throws IOException {
			try (exchange) {
				RecordedRequest request = new RecordedRequest(exchange.getRequestMethod(),
						exchange.getRequestURI().toString(), Map.copyOf(exchange.getRequestHeaders()),
						exchange.getRequestBody().readAllBytes());
				this.requests.add(request);
				Response response = behaviour.apply(request);
				response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
				byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(response.status(), (bytes.length > 0) ? bytes.length : -1);
				if (bytes.length > 0) {
					exchange.getResponseBody().write(bytes);
				}
			}
			catch (IOException ex) {
				// the sender closed the connection early (timeouts, response limit)
			}
		}

		void stop() {
			this.server.stop(0);
			this.executor.shutdownNow();
		}

	}

}
