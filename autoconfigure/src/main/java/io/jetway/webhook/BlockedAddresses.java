package io.jetway.webhook;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The address ranges a webhook must never reach, and the IPv6 forms that embed an IPv4
 * address (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo) checked by what they embed.
 * <p>
 * A {@link Block} is either relaxable (loopback, private, link-local, carrier-grade NAT,
 * unique local: addresses a development setup legitimately uses, allowed by
 * {@code allow-private-networks} or {@code allowed-hosts}) or not (unspecified,
 * multicast, broadcast, reserved and documentation ranges, cloud metadata addresses:
 * never a webhook receiver).
 */
final class BlockedAddresses {

	private static final List<Range> IPV4 = List.of(
			// most specific first: the metadata addresses lie inside wider ranges
			v4("169.254.169.254", 32, "the cloud metadata address (169.254.169.254)", false),
			v4("100.100.100.200", 32, "a cloud metadata address (100.100.100.200)", false),
			v4("0.0.0.0", 8, "an unspecified address (0.0.0.0/8)", false),
			v4("127.0.0.0", 8, "a loopback address (127.0.0.0/8)", true),
			v4("10.0.0.0", 8, "a private address (10.0.0.0/8)", true),
			v4("172.16.0.0", 12, "a private address (172.16.0.0/12)", true),
			v4("192.168.0.0", 16, "a private address (192.168.0.0/16)", true),
			v4("169.254.0.0", 16, "a link-local address (169.254.0.0/16)", true),
			v4("100.64.0.0", 10, "a carrier-grade NAT address (100.64.0.0/10)", true),
			v4("192.0.0.0", 24, "a reserved address (IETF protocol assignments, 192.0.0.0/24)", false),
			v4("192.0.2.0", 24, "a reserved documentation address (192.0.2.0/24)", false),
			v4("198.51.100.0", 24, "a reserved documentation address (198.51.100.0/24)", false),
			v4("203.0.113.0", 24, "a reserved documentation address (203.0.113.0/24)", false),
			v4("192.88.99.0", 24, "a reserved address (6to4 relay anycast, 192.88.99.0/24)", false),
			v4("198.18.0.0", 15, "a reserved benchmarking address (198.18.0.0/15)", false),
			v4("224.0.0.0", 4, "a multicast address (224.0.0.0/4)", false),
			v4("255.255.255.255", 32, "the broadcast address (255.255.255.255)", false),
			v4("240.0.0.0", 4, "a reserved address (240.0.0.0/4)", false));

	private static final List<Range> IPV6 = List.of(v6("::", 128, "an unspecified address (::)", false),
			v6("::1", 128, "a loopback address (::1)", true),
			v6("fd00:ec2::254", 128, "a cloud metadata address (fd00:ec2::254)", false),
			v6("64:ff9b:1::", 48, "a local-use NAT64 address (64:ff9b:1::/48)", true),
			v6("100::", 64, "a reserved discard-only address (100::/64)", false),
			v6("2001:db8::", 32, "a reserved documentation address (2001:db8::/32)", false),
			v6("3fff::", 20, "a reserved documentation address (3fff::/20)", false),
			v6("2001::", 23, "a reserved address (IETF protocol assignments, 2001::/23)", false),
			v6("fc00::", 7, "a private (unique local) address (fc00::/7)", true),
			v6("fe80::", 10, "a link-local address (fe80::/10)", true),
			v6("fec0::", 10, "a site-local address (fec0::/10)", true),
			v6("ff00::", 8, "a multicast address (ff00::/8)", false));

	private static final Range IPV6_GLOBAL_UNICAST = v6("2000::", 3, "", false);

	private static final Range NAT64 = v6("64:ff9b::", 96, "", false);

	private static final Range SIX_TO_FOUR = v6("2002::", 16, "", false);

	private static final Range TEREDO = v6("2001::", 32, "", false);

	private BlockedAddresses() {
	}

	/**
	 * Checks an address.
	 * @param address the address
	 * @return why the address is blocked, or {@code null} when a webhook may reach it
	 */
	static @Nullable Block check(InetAddress address) {
		byte[] bytes = address.getAddress();
		if (address instanceof Inet4Address) {
			return match(IPV4, bytes);
		}
		if (NAT64.contains(bytes)) {
			// a public IPv4 address reached through a NAT64 gateway is fine
			return checkEmbedded("NAT64", slice(bytes, 12), false);
		}
		Block embedded = checkEmbedded(bytes);
		if (embedded != null) {
			return embedded;
		}
		Block block = match(IPV6, bytes);
		if (block != null) {
			return block;
		}
		if (!IPV6_GLOBAL_UNICAST.contains(bytes)) {
			return new Block("a reserved address (outside the global unicast range 2000::/3)", false);
		}
		return null;
	}

	/**
	 * Checks an IPv6 address that embeds an IPv4 address.
	 * @param bytes the 16 bytes of the IPv6 address
	 * @return a block when the address embeds an IPv4 address that is blocked, or is a
	 * deprecated form; {@code null} when it embeds nothing or a public address
	 */
	private static @Nullable Block checkEmbedded(byte[] bytes) {
		if (startsWith(bytes, new byte[10]) && (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff) {
			return checkEmbedded("IPv4-mapped", slice(bytes, 12), false);
		}
		if (startsWith(bytes, new byte[12]) && !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0)) {
			// ::/96 apart from :: and ::1 (and ::0.0.0.x, reserved anyway)
			Block block = checkEmbedded("IPv4-compatible", slice(bytes, 12), false);
			return (block != null) ? block : new Block("a deprecated IPv4-compatible IPv6 address (::/96)", false);
		}
		if (SIX_TO_FOUR.contains(bytes)) {
			return checkEmbedded("6to4", slice(bytes, 2), false);
		}
		if (TEREDO.contains(bytes)) {
			Block server = checkEmbedded("Teredo server", slice(bytes, 4), false);
			return (server != null) ? server : checkEmbedded("Teredo client", slice(bytes, 12), true);
		}
		return null;
	}

	private static @Nullable Block checkEmbedded(String form, byte[] ipv4, boolean obfuscated) {
		if (obfuscated) {
			for (int i = 0; i < ipv4.length; i++) {
				ipv4[i] = (byte) ~ipv4[i];
			}
		}
		Block block = match(IPV4, ipv4);
		if (block == null) {
			return null;
		}
		String embedded = (ipv4[0] & 0xff) + "." + (ipv4[1] & 0xff) + "." + (ipv4[2] & 0xff) + "." + (ipv4[3] & 0xff);
		return new Block("an IPv6 address embedding " + embedded + " (" + form + "), which is " + block.what(),
				block.relaxable());
	}

	private static @Nullable Block match(List<Range> ranges, byte[] bytes) {
		for (Range range : ranges) {
			if (range.contains(bytes)) {
				return range.block();
			}
		}
		return null;
	}

	private static boolean startsWith(byte[] bytes, byte[] prefix) {
		for (int i = 0; i < prefix.length; i++) {
			if (bytes[i] != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	private static byte[] slice(byte[] bytes, int from) {
		byte[] result = new byte[4];
		System.arraycopy(bytes, from, result, 0, 4);
		return result;
	}

	/**
	 * Formats an address the way people write it: dotted quad, or compressed IPv6 (RFC
	 * 5952) without scope.
	 * @param address the address
	 * @return the text
	 */
	static String format(InetAddress address) {
		byte[] bytes = address.getAddress();
		if (bytes.length == 4) {
			return address.getHostAddress();
		}
		int[] groups = new int[8];
		for (int i = 0; i < 8; i++) {
			groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
		}
		int bestStart = -1;
		int bestLength = 1;
		for (int i = 0; i < 8; i++) {
			int length = 0;
			while (i + length < 8 && groups[i + length] == 0) {
				length++;
			}
			if (length > bestLength) {
				bestStart = i;
				bestLength = length;
			}
		}
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			if (i == bestStart) {
				text.append("::");
				i += bestLength - 1;
				continue;
			}
			if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
				text.append(':');
			}
			text.append(Integer.toHexString(groups[i]));
		}
		return text.toString();
	}

	private static Range v4(String address, int length, String what, boolean relaxable) {
		return new Range(parse(address), length, new Block(what, relaxable));
	}

	private static Range v6(String address, int length, String what, boolean relaxable) {
		return new Range(parse(address), length, new Block(what, relaxable));
	}

	private static byte[] parse(String literal) {
		try {
			// a literal: no lookup
			byte[] bytes = InetAddress.getByName(literal).getAddress();
			if (literal.contains(":") && bytes.length == 4) {
				throw new IllegalStateException("IPv4-mapped literal in range table: " + literal);
			}
			return bytes;
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Why an address is blocked.
	 *
	 * @param what what the address is, for example {@code a private address (10.0.0.0/8)}
	 * @param relaxable whether {@code allow-private-networks} or {@code allowed-hosts}
	 * lift the block
	 */
	record Block(String what, boolean relaxable) {

	}

	private record Range(byte[] prefix, int length, Block block) {

		boolean contains(byte[] bytes) {
			if (bytes.length != this.prefix.length) {
				return false;
			}
			int full = this.length / 8;
			for (int i = 0; i < full; i++) {
				if (bytes[i] != this.prefix[i]) {
					return false;
				}
			}
			int rest = this.length % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xff << (8 - rest)) & 0xff;
			return (bytes[full] & mask) == (this.prefix[full] & mask);
		}

	}

}
