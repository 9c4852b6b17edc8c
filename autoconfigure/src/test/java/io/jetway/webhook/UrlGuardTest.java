package io.jetway.webhook;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@link UrlGuard}: hostile URLs are rejected with a reason that names the cause; public
 * URLs pass. DNS is a {@link FakeHostResolver}: nothing here resolves or contacts a real
 * host.
 */
class UrlGuardTest {

	private static final String PUBLIC_IP = "93.184.216.34";

	private final FakeHostResolver resolver = new FakeHostResolver().map("hooks.example.com", PUBLIC_IP)
		.map("xn--bcher-kva.example", PUBLIC_IP)
		.map("internal-alias.example.com", "10.0.0.5")
		.map("metadata-alias.example.com", "169.254.169.254")
		.map("mixed.example.com", PUBLIC_IP, "127.0.0.1")
		.map("mapped.example.com", "::ffff:192.168.1.10")
		.map("ula.example.com", "2606:2800:220:1:248:1893:25c8:1946", "fd00::1")
		.map("cgnat.example.com", "100.64.1.1")
		.map("empty.example.com");

	private final UrlGuard guard = new UrlGuard(this.resolver);

	static Stream<Arguments> hostileUrls() {
		return Stream.of(
				// schemes
				arguments("ftp://hooks.example.com/", "scheme 'ftp' is not allowed"),
				arguments("file:///etc/passwd", "scheme 'file' is not allowed"),
				arguments("gopher://hooks.example.com:70/_GET", "scheme 'gopher' is not allowed"),
				arguments("jar:http://hooks.example.com/x.jar!/", "scheme 'jar' is not allowed"),
				arguments("javascript:alert(1)", "scheme 'javascript' is not allowed"),
				arguments("data:text/plain,hello", "scheme 'data' is not allowed"),
				arguments("//hooks.example.com/hook", "no scheme"), arguments("http:hooks.example.com", "no host"),
				// user info, empty host, malformed
				arguments("http://user@hooks.example.com/", "user info"),
				arguments("https://user:secret@hooks.example.com/", "user info"),
				arguments("http://hooks.example.com@127.0.0.1/", "user info"), arguments("http:///hook", "no host"),
				arguments("http://:8080/hook", "no host"), arguments("http://./", "no host"),
				arguments("http://hooks.example.com:99999/", "port"),
				arguments("http://%6c%6f%63%61%6c%68%6f%73%74/", "percent-encoding"),
				arguments("http://[v1.fe]/", "not a valid URL"),
				// internal names, IDN, trailing dots, case
				arguments("http://localhost/", "host 'localhost' is an internal name"),
				arguments("http://localhost:8080/hook", "host 'localhost' is an internal name"),
				arguments("HTTP://LOCALHOST./", "host 'localhost' is an internal name"),
				arguments("HTTPS://LocalHost../", "host 'localhost' is an internal name"),
				arguments("http://ｌｏｃａｌｈｏｓｔ/", "host 'localhost' is an internal name"),
				arguments("http://api.localhost/", "host 'api.localhost' is an internal name (*.localhost)"),
				arguments("http://printer.local/", "host 'printer.local' is an internal name (*.local)"),
				arguments("http://db.internal/", "host 'db.internal' is an internal name (*.internal)"),
				arguments("http://metadata.google.internal/computeMetadata/v1/",
						"host 'metadata.google.internal' is an internal name"),
				arguments("http://metadata.google.internal./computeMetadata/v1/",
						"host 'metadata.google.internal' is an internal name"),
				arguments("http://redis.default.svc/", "host 'redis.default.svc' is an internal name (*.svc)"),
				arguments("http://api.payments.svc.cluster.local:8080/",
						"host 'api.payments.svc.cluster.local' is an internal name (*.local)"),
				arguments("http://router.home.arpa/", "host 'router.home.arpa' is an internal name (*.home.arpa)"),
				arguments("http://hooks/", "host 'hooks' is an internal name (a single-label name"),
				arguments("http://intranet/", "host 'intranet' is an internal name (*.intranet)"),
				arguments("http://kubernetes./", "host 'kubernetes' is an internal name (a single-label name"),
				// numeric addresses in disguise
				arguments("http://0/", "host '0' is a numeric IP address in disguise"),
				arguments("http://2130706433/", "host '2130706433' is a numeric IP address in disguise"),
				arguments("http://0177.0.0.1/", "host '0177.0.0.1' is a numeric IP address in disguise"),
				arguments("http://0x7f.1/", "host '0x7f.1' is a numeric IP address in disguise"),
				arguments("http://0x7f000001/", "host '0x7f000001' is a numeric IP address in disguise"),
				arguments("http://127.1/", "host '127.1' is a numeric IP address in disguise"),
				arguments("http://127.0.1/", "host '127.0.1' is a numeric IP address in disguise"),
				arguments("http://017700000001/", "host '017700000001' is a numeric IP address in disguise"),
				arguments("http://0x7F.0x0.0x0.0x1/", "host '0x7f.0x0.0x0.0x1' is a numeric IP address in disguise"),
				arguments("http://127.000.000.001/", "host '127.000.000.001' is a numeric IP address in disguise"),
				arguments("http://1.2.3.256/", "host '1.2.3.256' is a numeric IP address in disguise"),
				arguments("http://hooks.example.1/", "host 'hooks.example.1' is a numeric IP address in disguise"),
				// IPv4 literals
				arguments("http://127.0.0.1/", "127.0.0.1 is a loopback address (127.0.0.0/8)"),
				arguments("HTTP://127.0.0.1:8080/hook", "127.0.0.1 is a loopback address (127.0.0.0/8)"),
				arguments("http://127.255.255.254/", "127.255.255.254 is a loopback address (127.0.0.0/8)"),
				arguments("http://127。0。0。1/", "127.0.0.1 is a loopback address (127.0.0.0/8)"),
				arguments("http://127.0.0.1.:8080/", "127.0.0.1 is a loopback address"),
				arguments("http://127.0.0.1#@hooks.example.com/", "127.0.0.1 is a loopback address"),
				arguments("http://0.0.0.0/", "0.0.0.0 is an unspecified address (0.0.0.0/8)"),
				arguments("http://10.0.0.5/", "10.0.0.5 is a private address (10.0.0.0/8)"),
				arguments("http://172.16.0.1/", "172.16.0.1 is a private address (172.16.0.0/12)"),
				arguments("http://172.31.255.255/", "172.31.255.255 is a private address (172.16.0.0/12)"),
				arguments("http://192.168.1.1/", "192.168.1.1 is a private address (192.168.0.0/16)"),
				arguments("http://169.254.169.254/latest/meta-data/",
						"169.254.169.254 is the cloud metadata address (169.254.169.254)"),
				arguments("http://169.254.10.20/", "169.254.10.20 is a link-local address (169.254.0.0/16)"),
				arguments("http://100.64.0.1/", "100.64.0.1 is a carrier-grade NAT address (100.64.0.0/10)"),
				arguments("http://100.127.255.254/", "carrier-grade NAT"),
				arguments("http://224.0.0.1/", "224.0.0.1 is a multicast address (224.0.0.0/4)"),
				arguments("http://239.255.255.250/", "multicast"),
				arguments("http://255.255.255.255/", "255.255.255.255 is the broadcast address"),
				arguments("http://240.0.0.1/", "240.0.0.1 is a reserved address (240.0.0.0/4)"),
				arguments("http://192.0.2.10/", "reserved documentation address (192.0.2.0/24)"),
				arguments("http://198.18.0.1/", "reserved benchmarking address"),
				// IPv6 literals and IPv6 forms embedding IPv4
				arguments("http://[::1]/", "::1 is a loopback address (::1)"),
				arguments("http://[0:0:0:0:0:0:0:1]:8080/", "is a loopback address (::1)"),
				arguments("http://[::]/", ":: is an unspecified address (::)"),
				arguments("http://[::ffff:127.0.0.1]/",
						"::ffff:127.0.0.1 is an IPv6 address embedding 127.0.0.1 (IPv4-mapped), which is a loopback address"),
				arguments("http://[::FFFF:7f00:1]/", "embedding 127.0.0.1 (IPv4-mapped), which is a loopback address"),
				arguments("http://[::ffff:169.254.169.254]/",
						"embedding 169.254.169.254 (IPv4-mapped), which is the cloud metadata"),
				arguments("http://[::ffff:a00:5]/",
						"embedding 10.0.0.5 (IPv4-mapped), which is a private address (10.0.0.0/8)"),
				arguments("http://[::127.0.0.1]/",
						"embedding 127.0.0.1 (IPv4-compatible), which is a loopback address"),
				arguments("http://[::a00:5]/", "embedding 10.0.0.5 (IPv4-compatible), which is a private address"),
				arguments("http://[64:ff9b::a00:5]/",
						"embedding 10.0.0.5 (NAT64), which is a private address (10.0.0.0/8)"),
				arguments("http://[64:ff9b::a9fe:a9fe]/",
						"embedding 169.254.169.254 (NAT64), which is the cloud metadata"),
				arguments("http://[2002:7f00:1::]/", "embedding 127.0.0.1 (6to4), which is a loopback address"),
				arguments("http://[2002:c0a8:101::1]/", "embedding 192.168.1.1 (6to4), which is a private address"),
				arguments("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
						"embedding 127.0.0.1 (Teredo client), which is a loopback address"),
				arguments("http://[2001:0:a00:5::1]/",
						"embedding 10.0.0.5 (Teredo server), which is a private address"),
				arguments("http://[fc00::1]/", "fc00::1 is a private (unique local) address (fc00::/7)"),
				arguments("http://[fd12:3456:789a::1]/", "is a private (unique local) address (fc00::/7)"),
				arguments("http://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata address"),
				arguments("http://[fe80::1]/", "fe80::1 is a link-local address (fe80::/10)"),
				arguments("http://[fe80::1%25eth0]/", "has a zone id"),
				arguments("http://[::1%25lo]:8080/", "has a zone id"),
				arguments("http://[ff02::1]/", "ff02::1 is a multicast address (ff00::/8)"),
				arguments("http://[2001:db8::1]/", "reserved documentation address (2001:db8::/32)"),
				arguments("http://[100::1]/", "reserved discard-only address"),
				arguments("http://[::2]/", "reserved address"),
				// public-looking names that resolve to blocked addresses
				arguments("http://internal-alias.example.com/",
						"host 'internal-alias.example.com' resolves to 10.0.0.5, which is a private address (10.0.0.0/8)"),
				arguments("https://metadata-alias.example.com/",
						"host 'metadata-alias.example.com' resolves to 169.254.169.254, which is the cloud metadata address"),
				arguments("http://mixed.example.com/",
						"host 'mixed.example.com' resolves to 127.0.0.1, which is a loopback address"),
				arguments("http://mapped.example.com/", "resolves to 192.168.1.10, which is a private address"),
				arguments("http://ula.example.com/", "resolves to fd00::1, which is a private (unique local) address"),
				arguments("http://cgnat.example.com/", "resolves to 100.64.1.1, which is a carrier-grade NAT address"),
				arguments("http://unknown.example.com/", "host 'unknown.example.com' could not be resolved"),
				arguments("http://empty.example.com/", "host 'empty.example.com' resolves to no address"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("hostileUrls")
	void hostileUrlIsRejectedWithReason(String url, String reason) {
		assertThatExceptionOfType(WebhookUrlRejectedException.class).isThrownBy(() -> this.guard.validate(url))
			.satisfies((ex) -> {
				assertThat(ex.getReason()).contains(reason);
				assertThat(ex.getMessage()).startsWith("Webhook URL rejected: ").contains(ex.getReason());
			});
	}

	@Test
	void tableHoldsAtLeastFortyHostileUrls() {
		assertThat(hostileUrls()).hasSizeGreaterThanOrEqualTo(40);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "http://0/", "http://2130706433/", "http://0177.0.0.1/", "http://0x7f.1/", "http://127.1/",
			"http://localhost/", "http://metadata.google.internal/", "http://hooks/", "http://db.internal/",
			"http://127.0.0.1/", "http://[::ffff:127.0.0.1]/", "http://[fe80::1%25eth0]/" })
	void numericAndInternalFormsAreRejectedBeforeAnyLookup(String url) {
		assertThatExceptionOfType(WebhookUrlRejectedException.class).isThrownBy(() -> this.guard.validate(url));
		assertThat(this.resolver.lookups()).isEmpty();
	}

	@Test
	void emptyAndOverlongUrlsAreRejected() {
		assertThatExceptionOfType(WebhookUrlRejectedException.class).isThrownBy(() -> this.guard.validate(null))
			.withMessageContaining("empty");
		assertThatExceptionOfType(WebhookUrlRejectedException.class).isThrownBy(() -> this.guard.validate("  "))
			.withMessageContaining("empty");
		String longUrl = "https://hooks.example.com/" + "a".repeat(UrlGuard.MAX_URL_LENGTH);
		assertThatExceptionOfType(WebhookUrlRejectedException.class).isThrownBy(() -> this.guard.validate(longUrl))
			.withMessageContaining("at most " + UrlGuard.MAX_URL_LENGTH);
	}

	@Test
	void relaxableRejectionSuggestsTheDevelopmentOverrides() {
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> this.guard.validate("http://10.0.0.5/"))
			.withMessageContaining("jetway.jobs.webhooks.allow-private-networks");
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> this.guard.validate("http://169.254.169.254/"))
			.withMessageNotContaining("allow-private-networks");
	}

	@Test
	void unresolvableHostIsMarkedAsResolutionFailure() {
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> this.guard.validate("https://unknown.example.com/"))
			.satisfies((ex) -> assertThat(ex.isResolutionFailure()).isTrue());
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> this.guard.validate("https://internal-alias.example.com/"))
			.satisfies((ex) -> assertThat(ex.isResolutionFailure()).isFalse());
	}

	@Test
	void rejectionOfAResolvedAddressIsMarkedAsSuch() {
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> this.guard.validate("https://internal-alias.example.com/"))
			.satisfies((ex) -> assertThat(ex.isResolvedAddressRejection()).isTrue());
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> this.guard.validate("http://10.0.0.5/"))
			.satisfies((ex) -> assertThat(ex.isResolvedAddressRejection()).isFalse());
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> this.guard.validate("https://unknown.example.com/"))
			.satisfies((ex) -> assertThat(ex.isResolvedAddressRejection()).isFalse());
	}

	@Test
	void publicHostNameIsAccepted() {
		ValidatedWebhookTarget target = this.guard.validate("https://hooks.example.com/jobs/done?tenant=7#ignored");
		assertThat(target.scheme()).isEqualTo("https");
		assertThat(target.host()).isEqualTo("hooks.example.com");
		assertThat(target.port()).isEqualTo(443);
		assertThat(target.address().getHostAddress()).isEqualTo(PUBLIC_IP);
		assertThat(target.hostHeader()).isEqualTo("hooks.example.com");
		assertThat(target.requestTarget()).isEqualTo("/jobs/done?tenant=7");
		assertThat(target.ipLiteral()).isFalse();
		assertThat(this.resolver.lookups()).containsExactly("hooks.example.com");
	}

	@Test
	void schemeAndHostAreNormalized() {
		ValidatedWebhookTarget target = this.guard.validate("HTTP://Hooks.Example.COM.:8080");
		assertThat(target.scheme()).isEqualTo("http");
		assertThat(target.host()).isEqualTo("hooks.example.com");
		assertThat(target.port()).isEqualTo(8080);
		assertThat(target.hostHeader()).isEqualTo("hooks.example.com:8080");
		assertThat(target.requestTarget()).isEqualTo("/");
	}

	@Test
	void internationalizedHostIsLookedUpInAsciiForm() {
		ValidatedWebhookTarget target = this.guard.validate("https://bücher.example/häuser?q=ä");
		assertThat(target.host()).isEqualTo("xn--bcher-kva.example");
		assertThat(target.requestTarget()).isEqualTo("/h%C3%A4user?q=%C3%A4");
		assertThat(this.resolver.lookups()).containsExactly("xn--bcher-kva.example");
	}

	@Test
	void publicIpLiteralsAreAcceptedWithoutLookup() {
		ValidatedWebhookTarget ipv4 = this.guard.validate("http://" + PUBLIC_IP + ":8080/hook");
		assertThat(ipv4.address().getHostAddress()).isEqualTo(PUBLIC_IP);
		assertThat(ipv4.ipLiteral()).isTrue();
		assertThat(ipv4.hostHeader()).isEqualTo(PUBLIC_IP + ":8080");
		ValidatedWebhookTarget ipv6 = this.guard.validate("https://[2606:2800:220:1:248:1893:25c8:1946]/hook");
		assertThat(ipv6.host()).isEqualTo("2606:2800:220:1:248:1893:25c8:1946");
		assertThat(ipv6.hostHeader()).isEqualTo("[2606:2800:220:1:248:1893:25c8:1946]");
		ValidatedWebhookTarget nat64 = this.guard.validate("https://[64:ff9b::5db8:d822]/");
		assertThat(nat64.ipLiteral()).isTrue();
		assertThat(this.resolver.lookups()).isEmpty();
	}

	@Test
	void allowPrivateNetworksLiftsOnlyThePrivateRules() {
		FakeHostResolver resolver = new FakeHostResolver().map("localhost", "127.0.0.1")
			.map("receiver", "172.18.0.4")
			.map("metadata.google.internal", "169.254.169.254");
		UrlGuard relaxed = new UrlGuard(resolver, List.of(), true);
		assertThat(relaxed.validate("http://127.0.0.1:8080/hook").port()).isEqualTo(8080);
		assertThat(relaxed.validate("http://localhost:8080/hook").address().getHostAddress()).isEqualTo("127.0.0.1");
		assertThat(relaxed.validate("http://receiver/hook").host()).isEqualTo("receiver");
		assertThat(relaxed.validate("http://[::1]:8080/").ipLiteral()).isTrue();
		assertThat(relaxed.validate("http://10.1.2.3/").ipLiteral()).isTrue();
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> relaxed.validate("http://169.254.169.254/"))
			.withMessageContaining("cloud metadata");
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> relaxed.validate("http://metadata.google.internal/"))
			.withMessageContaining("cloud metadata");
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> relaxed.validate("http://0.0.0.0:8080/"))
			.withMessageContaining("unspecified");
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> relaxed.validate("http://2130706433/"))
			.withMessageContaining("numeric IP address in disguise");
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> relaxed.validate("http://user@127.0.0.1/"))
			.withMessageContaining("user info");
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> relaxed.validate("ftp://127.0.0.1/"))
			.withMessageContaining("scheme 'ftp'");
	}

	@Test
	void allowedHostsLiftThePrivateRulesForThoseHostsOnly() {
		FakeHostResolver resolver = new FakeHostResolver().map("localhost", "127.0.0.1")
			.map("api.localhost", "127.0.0.1")
			.map("receiver.test", "10.0.0.7");
		UrlGuard guard = new UrlGuard(resolver, List.of("LOCALHOST.", "receiver.test", "[::1]"), false);
		assertThat(guard.getAllowedHosts()).containsExactlyInAnyOrder("localhost", "receiver.test", "::1");
		assertThat(guard.validate("http://localhost:8080/").address().getHostAddress()).isEqualTo("127.0.0.1");
		assertThat(guard.validate("https://receiver.test/").address().getHostAddress()).isEqualTo("10.0.0.7");
		assertThat(guard.validate("http://[::1]:9000/").port()).isEqualTo(9000);
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> guard.validate("http://api.localhost/"))
			.withMessageContaining("internal name");
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> guard.validate("http://127.0.0.1/"))
			.withMessageContaining("loopback");
	}

	@Test
	void dnsAnswerThatChangesToPrivateIsRejectedOnTheSecondValidation() {
		FakeHostResolver rebinding = new FakeHostResolver().map("rebind.example.com", PUBLIC_IP)
			.map("rebind.example.com", "169.254.169.254");
		UrlGuard guard = new UrlGuard(rebinding);
		assertThat(guard.validate("https://rebind.example.com/hook").address().getHostAddress()).isEqualTo(PUBLIC_IP);
		assertThatExceptionOfType(WebhookUrlRejectedException.class)
			.isThrownBy(() -> guard.validate("https://rebind.example.com/hook"))
			.withMessageContaining("resolves to 169.254.169.254, which is the cloud metadata address");
		assertThat(rebinding.lookups()).containsExactly("rebind.example.com", "rebind.example.com");
	}

	@Test
	void addressesAreFormattedCompressed() throws Exception {
		assertThat(BlockedAddresses.format(FakeHostResolver.address("x", "fe80:0:0:0:0:0:0:1"))).isEqualTo("fe80::1");
		assertThat(BlockedAddresses.format(FakeHostResolver.address("x", "2001:db8:0:0:1:0:0:1")))
			.isEqualTo("2001:db8::1:0:0:1");
		assertThat(BlockedAddresses.format(FakeHostResolver.address("x", "::"))).isEqualTo("::");
		assertThat(BlockedAddresses.format(FakeHostResolver.address("x", "1:2:3:4:5:6:7:8")))
			.isEqualTo("1:2:3:4:5:6:7:8");
	}

}
