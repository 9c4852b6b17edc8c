package io.jetway.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves a host name to its addresses for {@link UrlGuard}. The default asks the JVM
 * ({@link InetAddress#getAllByName(String)}); tests supply a fake one to simulate DNS
 * answers, including answers that change between validation and sending (DNS rebinding).
 * <p>
 * {@link UrlGuard} only passes host names here, never numeric addresses.
 */
@FunctionalInterface
public interface HostResolver {

	/**
	 * Resolves a host name.
	 * @param host the ASCII (IDN-normalised) host name, lower case, without trailing dot
	 * @return every address the name resolves to; empty when none
	 * @throws UnknownHostException when the name does not resolve
	 */
	List<InetAddress> resolve(String host) throws UnknownHostException;

	/**
	 * The resolver of the JVM (system DNS, {@code /etc/hosts}, the JVM's DNS cache).
	 * @return the system resolver
	 */
	static HostResolver system() {
		return (host) -> List.of(InetAddress.getAllByName(host));
	}

}
