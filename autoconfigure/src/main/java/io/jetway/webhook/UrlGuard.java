package io.jetway.webhook;

import java.net.IDN;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Decides whether a webhook may be sent to a URL (server-side request forgery
 * protection). Called at enqueue, so that a bad URL fails there with a clear reason, and
 * again right before every send, because DNS may answer differently by then.
 * <p>
 * A URL passes when:
 * <ul>
 * <li>its scheme is {@code http} or {@code https} (any case), it has a host and no user
 * info, and a port in 1..65535;</li>
 * <li>its host, after IDN normalisation ({@link IDN#toASCII(String)}, which also maps
 * full-width letters, digits and dots) and with trailing dots removed, is not an internal
 * name ({@code localhost}, {@code *.localhost}, {@code *.local}, {@code *.internal},
 * {@code *.svc}, {@code *.cluster.local}, {@code *.localdomain}, {@code *.home.arpa}, a
 * single label, ...);</li>
 * <li>its host is not a numeric address in disguise (decimal {@code 2130706433}, octal
 * {@code 0177.0.0.1}, hex {@code 0x7f.1}, short {@code 127.1}, any name whose last label
 * is numeric): these are rejected before any DNS lookup;</li>
 * <li>every address the host resolves to (or the IP literal it is) is a public unicast
 * address: not loopback, unspecified, private, link-local, carrier-grade NAT, multicast,
 * broadcast, reserved, documentation, cloud metadata, nor an IPv6 address that embeds
 * such an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo). IPv6 zone ids
 * are refused.</li>
 * </ul>
 * For development and tests, {@code allowedHosts} lists hosts that skip the internal-name
 * and private-address rules, and {@code allowPrivateNetworks} lifts those rules for every
 * host. Neither ever allows the unspecified, multicast, broadcast, reserved or cloud
 * metadata addresses, a numeric address in disguise, user info or another scheme.
 */
public class UrlGuard {

	/**
	 * The longest URL accepted.
	 */
	public static final int MAX_URL_LENGTH = 2048;

	private static final String HINT_RELAXABLE = "For development or tests only, list the host in "
			+ "jetway.jobs.webhooks.allowed-hosts or set jetway.jobs.webhooks.allow-private-networks=true";

	private static final List<String> INTERNAL_NAMES = List.of("localhost", "localhost.localdomain", "ip6-localhost",
			"ip6-loopback", "metadata.google.internal", "metadata.goog", "instance-data.ec2.internal");

	private static final List<String> INTERNAL_SUFFIXES = List.of("localhost", "local", "internal", "svc",
			"cluster.local", "localdomain", "home.arpa", "intranet", "lan", "corp", "home", "private");

	private final HostResolver resolver;

	private final Set<String> allowedHosts;

	private final boolean allowPrivateNetworks;

	/**
	 * Creates a guard that applies every rule.
	 * @param resolver resolves host names
	 */
	public UrlGuard(HostResolver resolver) {
		this(resolver, List.of(), false);
	}

	/**
	 * Creates a guard.
	 * @param resolver resolves host names
	 * @param allowedHosts hosts (names or IP literals) that skip the internal-name and
	 * private-address rules; for development and tests only
	 * @param allowPrivateNetworks whether every host may be an internal name and resolve
	 * to loopback, private, link-local, carrier-grade NAT or unique local addresses; for
	 * development and tests only
	 */
	public UrlGuard(HostResolver resolver, Collection<String> allowedHosts, boolean allowPrivateNetworks) {
		Assert.notNull(resolver, "resolver must not be null");
		this.resolver = resolver;
		this.allowedHosts = normalizeAllowedHosts(allowedHosts);
		this.allowPrivateNetworks = allowPrivateNetworks;
	}

	/**
	 * @return the normalised allowed hosts
	 */
	public Set<String> getAllowedHosts() {
		return this.allowedHosts;
	}

	/**
	 * @return whether private networks are allowed for every host
	 */
	public boolean isAllowPrivateNetworks() {
		return this.allowPrivateNetworks;
	}

	/**
	 * Validates a webhook URL, resolving its host.
	 * @param url the URL
	 * @return the target, with the addresses that were checked (connect to these)
	 * @throws WebhookUrlRejectedException when the URL breaks a rule; the reason says
	 * which
	 */
	public ValidatedWebhookTarget validate(@Nullable String url) {
		if (url == null || url.isBlank()) {
			throw new WebhookUrlRejectedException("the URL is empty");
		}
		if (url.length() > MAX_URL_LENGTH) {
			throw new WebhookUrlRejectedException(
					"the URL is " + url.length() + " characters long; at most " + MAX_URL_LENGTH + " are allowed");
		}
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			throw new WebhookUrlRejectedException("it is not a valid URL (" + ex.getMessage() + ")");
		}
		String scheme = checkScheme(uri);
		if (uri.isOpaque()) {
			throw new WebhookUrlRejectedException("the URL has no host (an empty host is not allowed)");
		}
		String authority = uri.getRawAuthority();
		if (authority == null || authority.isEmpty()) {
			throw new WebhookUrlRejectedException("the URL has no host (an empty host is not allowed)");
		}
		if (authority.contains("@")) {
			throw new WebhookUrlRejectedException(
					"the URL contains user info (credentials before '@'), which is not allowed; "
							+ "authenticate the receiver through the signature instead");
		}
		String rawHost;
		String rawPort;
		if (authority.startsWith("[")) {
			int end = authority.indexOf(']');
			if (end < 0) {
				throw new WebhookUrlRejectedException("the IPv6 address in the URL has no closing ']'");
			}
			rawHost = authority.substring(0, end + 1);
			String rest = authority.substring(end + 1);
			if (!rest.isEmpty() && !rest.startsWith(":")) {
				throw new WebhookUrlRejectedException("the URL has text after the IPv6 address: '" + rest + "'");
			}
			rawPort = rest.isEmpty() ? null : rest.substring(1);
		}
		else {
			int colon = authority.lastIndexOf(':');
			rawHost = (colon >= 0) ? authority.substring(0, colon) : authority;
			rawPort = (colon >= 0) ? authority.substring(colon + 1) : null;
		}
		int port = checkPort(rawPort, scheme);
		if (rawHost.isEmpty()) {
			throw new WebhookUrlRejectedException("the URL has no host (an empty host is not allowed)");
		}
		if (rawHost.startsWith("[")) {
			InetAddress address = parseIpv6Literal(rawHost);
			String host = rawHost.substring(1, rawHost.length() - 1).toLowerCase(Locale.ROOT);
			checkAddress(address, host, null, isAllowed(host) || isAllowed(BlockedAddresses.format(address)));
			return new ValidatedWebhookTarget(uri, scheme, host, port, List.of(address), true);
		}
		String host = normalizeHostName(rawHost);
		InetAddress ipv4 = parseCanonicalIpv4(host);
		if (ipv4 != null) {
			checkAddress(ipv4, host, null, isAllowed(host));
			return new ValidatedWebhookTarget(uri, scheme, host, port, List.of(ipv4), true);
		}
		checkNotNumeric(host);
		boolean allowed = isAllowed(host);
		if (!allowed && !this.allowPrivateNetworks) {
			checkNotInternalName(host);
		}
		List<InetAddress> addresses = resolve(host);
		for (InetAddress address : addresses) {
			checkAddress(address, BlockedAddresses.format(address), host, allowed);
		}
		return new ValidatedWebhookTarget(uri, scheme, host, port, addresses, false);
	}

	private String checkScheme(URI uri) {
		String scheme = uri.getScheme();
		if (scheme == null) {
			throw new WebhookUrlRejectedException("the URL has no scheme; use http:// or https://");
		}
		String lower = scheme.toLowerCase(Locale.ROOT);
		if (!lower.equals("http") && !lower.equals("https")) {
			throw new WebhookUrlRejectedException("scheme '" + lower + "' is not allowed (only http and https are)");
		}
		return lower;
	}

	private int checkPort(@Nullable String rawPort, String scheme) {
		if (rawPort == null || rawPort.isEmpty()) {
			return ValidatedWebhookTarget.defaultPort(scheme);
		}
		if (rawPort.length() > 5 || !rawPort.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			throw new WebhookUrlRejectedException("port '" + rawPort + "' is not a number between 1 and 65535");
		}
		int port = Integer.parseInt(rawPort);
		if (port < 1 || port > 65535) {
			throw new WebhookUrlRejectedException("port " + port + " is not between 1 and 65535");
		}
		return port;
	}

	private InetAddress parseIpv6Literal(String bracketed) {
		String literal = bracketed.substring(1, bracketed.length() - 1);
		if (literal.contains("%")) {
			throw new WebhookUrlRejectedException("IPv6 address '" + literal.replace("%25", "%")
					+ "' has a zone id (a scoped, link-local address), which is not allowed");
		}
		if (!literal.contains(":") || !literal.chars()
			.allMatch((c) -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':'
					|| c == '.')) {
			throw new WebhookUrlRejectedException("'" + literal + "' is not a valid IPv6 address");
		}
		try {
			// only hex digits, colons and dots: parsed as a literal, never looked up
			return InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			throw new WebhookUrlRejectedException("'" + literal + "' is not a valid IPv6 address");
		}
	}

	private String normalizeHostName(String rawHost) {
		if (rawHost.contains("%")) {
			throw new WebhookUrlRejectedException(
					"host '" + rawHost + "' contains percent-encoding, which is not allowed");
		}
		String ascii;
		try {
			// trailing dots first: IDN refuses the empty labels they leave
			ascii = IDN.toASCII(stripTrailingDots(rawHost), IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
		}
		catch (IllegalArgumentException ex) {
			throw new WebhookUrlRejectedException(
					"host '" + rawHost + "' is not a valid host name (" + ex.getMessage() + ")");
		}
		String host = stripTrailingDots(ascii);
		if (host.isEmpty()) {
			throw new WebhookUrlRejectedException("the URL has no host (an empty host is not allowed)");
		}
		if (host.length() > 253) {
			throw new WebhookUrlRejectedException("host name is longer than 253 characters");
		}
		for (String label : host.split("\\.", -1)) {
			if (label.isEmpty()) {
				throw new WebhookUrlRejectedException("host '" + host + "' has an empty label");
			}
			if (label.length() > 63) {
				throw new WebhookUrlRejectedException("host '" + host + "' has a label longer than 63 characters");
			}
			if (!label.chars()
				.allMatch((c) -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
				throw new WebhookUrlRejectedException(
						"host '" + host + "' contains characters not allowed in a host name");
			}
		}
		return host;
	}

	private static String stripTrailingDots(String host) {
		int end = host.length();
		while (end > 0 && isDot(host.charAt(end - 1))) {
			end--;
		}
		return host.substring(0, end);
	}

	/**
	 * Whether a character is a dot, or one of the dots IDN maps to it (ideographic,
	 * full-width, half-width ideographic).
	 */
	private static boolean isDot(char c) {
		return c == '.' || c == '\u3002' || c == '\uff0e' || c == '\uff61';
	}

	/**
	 * Parses the one numeric form that is a plain IPv4 literal: four decimal parts of
	 * 0..255 without leading zeros.
	 */
	private static @Nullable InetAddress parseCanonicalIpv4(String host) {
		String[] parts = host.split("\\.", -1);
		if (parts.length != 4) {
			return null;
		}
		byte[] bytes = new byte[4];
		for (int i = 0; i < 4; i++) {
			String part = parts[i];
			if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch((c) -> c >= '0' && c <= '9')
					|| (part.length() > 1 && part.charAt(0) == '0')) {
				return null;
			}
			int value = Integer.parseInt(part);
			if (value > 255) {
				return null;
			}
			bytes[i] = (byte) value;
		}
		try {
			return InetAddress.getByAddress(host, bytes);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Rejects every other numeric form, which resolvers and browsers read as an IPv4
	 * address ({@code inet_aton}: one to four parts, each decimal, octal with a leading
	 * {@code 0} or hex with {@code 0x}), and any name whose last label is numeric.
	 */
	private static void checkNotNumeric(String host) {
		String[] labels = host.split("\\.");
		String last = labels[labels.length - 1];
		boolean allNumeric = true;
		for (String label : labels) {
			allNumeric &= isNumericLabel(label);
		}
		if (allNumeric || isNumericLabel(last)) {
			throw new WebhookUrlRejectedException("host '" + host + "' is a numeric IP address in disguise "
					+ "(decimal, octal, hex or shortened form); write a public IPv4 address as four decimal parts, "
					+ "or use a host name");
		}
	}

	private static boolean isNumericLabel(String label) {
		if (label.startsWith("0x")) {
			return label.substring(2).chars().allMatch((c) -> Character.digit(c, 16) >= 0);
		}
		return !label.isEmpty() && label.chars().allMatch((c) -> c >= '0' && c <= '9');
	}

	private static void checkNotInternalName(String host) {
		if (INTERNAL_NAMES.contains(host)) {
			throw rejectedName(host, "is an internal name");
		}
		for (String suffix : INTERNAL_SUFFIXES) {
			if (host.equals(suffix) || host.endsWith("." + suffix)) {
				throw rejectedName(host, "is an internal name (*." + suffix + ")");
			}
		}
		if (!host.contains(".")) {
			throw rejectedName(host, "is an internal name (a single-label name, resolved through local search "
					+ "domains); use a fully qualified public name");
		}
	}

	private static WebhookUrlRejectedException rejectedName(String host, String what) {
		return new WebhookUrlRejectedException("host '" + host + "' " + what, HINT_RELAXABLE, false);
	}

	private List<InetAddress> resolve(String host) {
		List<InetAddress> addresses;
		try {
			addresses = this.resolver.resolve(host);
		}
		catch (UnknownHostException ex) {
			throw new WebhookUrlRejectedException("host '" + host + "' could not be resolved (" + ex.getMessage() + ")",
					"Check the host name and DNS", true);
		}
		if (addresses == null || addresses.isEmpty()) {
			throw new WebhookUrlRejectedException("host '" + host + "' resolves to no address",
					"Check the host name and DNS", true);
		}
		return new ArrayList<>(addresses);
	}

	/**
	 * Checks one address.
	 * @param address the address
	 * @param text how to name the address in the reason
	 * @param host the host name that resolved to it, or {@code null} for a literal
	 * @param allowed whether the host is listed in the allowed hosts
	 */
	private void checkAddress(InetAddress address, String text, @Nullable String host, boolean allowed) {
		BlockedAddresses.Block block = BlockedAddresses.check(address);
		if (text.contains(":") && address instanceof Inet4Address) {
			// Java turns ::ffff:a.b.c.d into an IPv4 address; say so
			block = (block != null) ? new BlockedAddresses.Block("an IPv6 address embedding " + address.getHostAddress()
					+ " (IPv4-mapped), which is " + block.what(), block.relaxable()) : null;
		}
		if (block == null || (block.relaxable() && (allowed || this.allowPrivateNetworks))) {
			return;
		}
		String reason = (host != null) ? "host '" + host + "' resolves to " + text + ", which is " + block.what()
				: text + " is " + block.what();
		throw new WebhookUrlRejectedException(reason, block.relaxable() ? HINT_RELAXABLE : "", false, host != null);
	}

	private boolean isAllowed(String host) {
		return this.allowedHosts.contains(host);
	}

	private static Set<String> normalizeAllowedHosts(Collection<String> hosts) {
		Set<String> normalized = new LinkedHashSet<>();
		for (String host : hosts) {
			String trimmed = host.trim().toLowerCase(Locale.ROOT);
			if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
				trimmed = trimmed.substring(1, trimmed.length() - 1);
			}
			if (!trimmed.contains(":")) {
				trimmed = stripTrailingDots(IDN.toASCII(trimmed, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT));
			}
			if (!trimmed.isEmpty()) {
				normalized.add(trimmed);
			}
		}
		return Set.copyOf(normalized);
	}

}
