package io.jetway.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.util.Assert;

/**
 * A webhook URL that passed {@link UrlGuard}, with the addresses it was validated
 * against. A sender connects to {@link #addresses()} (never resolving {@link #host()}
 * again) and sends {@link #hostHeader()} and, for https, {@link #host()} as TLS SNI.
 *
 * @param uri the URL as given (fragment included; it is never sent)
 * @param scheme {@code http} or {@code https}, lower case
 * @param host the ASCII host name (IDN-normalised, lower case, no trailing dot), or the
 * IP literal without brackets
 * @param port the port, the scheme's default when the URL names none
 * @param addresses the validated addresses, in the resolver's order; at least one
 * @param ipLiteral whether the URL names an IP address rather than a host name
 */
public record ValidatedWebhookTarget(URI uri, String scheme, String host, int port, List<InetAddress> addresses,
		boolean ipLiteral) {

	public ValidatedWebhookTarget {
		Assert.notEmpty(addresses, "addresses must not be empty");
		addresses = List.copyOf(addresses);
	}

	/**
	 * @return the first validated address, the one to try first
	 */
	public InetAddress address() {
		return this.addresses.get(0);
	}

	/**
	 * @return whether the connection uses TLS
	 */
	public boolean isHttps() {
		return "https".equals(this.scheme);
	}

	/**
	 * @return the value of the Host header: the host, bracketed when IPv6, and the port
	 * when it is not the scheme's default
	 */
	public String hostHeader() {
		String name = this.host.contains(":") ? "[" + this.host + "]" : this.host;
		return (this.port == defaultPort(this.scheme)) ? name : name + ":" + this.port;
	}

	/**
	 * @return the request target of the HTTP request line: raw path (at least {@code /})
	 * and query
	 */
	public String requestTarget() {
		String path = this.uri.getRawPath();
		String target = (path == null || path.isEmpty()) ? "/" : path;
		String query = this.uri.getRawQuery();
		return asciiOnly((query != null) ? target + "?" + query : target);
	}

	/**
	 * Percent-encodes the non-ASCII characters {@link URI} lets through in paths and
	 * queries, as UTF-8.
	 */
	private static String asciiOnly(String text) {
		if (text.chars().allMatch((c) -> c > 0x20 && c < 0x7f)) {
			return text;
		}
		StringBuilder result = new StringBuilder();
		text.codePoints().forEach((codePoint) -> {
			if (codePoint > 0x20 && codePoint < 0x7f) {
				result.append((char) codePoint);
				return;
			}
			for (byte b : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8)) {
				result.append('%').append(String.format("%02X", b & 0xff));
			}
		});
		return result.toString();
	}

	static int defaultPort(String scheme) {
		return "https".equals(scheme) ? 443 : 80;
	}

}
