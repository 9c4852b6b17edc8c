package io.jetway.dashboard;

import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Whether the browser says a request comes from the dashboard's own origin
 * ({@code Sec-Fetch-Site}, {@code Origin}); requests without these headers (not from a
 * browser) pass.
 * <p>
 * {@code Sec-Fetch-Site}, when the browser sends it, decides alone: a page cannot set it,
 * and it holds behind a proxy that changes the scheme, host or port the application sees
 * (TLS ended at the proxy, no forwarded headers). Only without it is {@code Origin}
 * compared with the request's own address, which then needs
 * {@code server.forward-headers-strategy} behind such a proxy.
 */
final class SameOrigin {

	private SameOrigin() {
	}

	/**
	 * @param request an action's request
	 * @return why it comes from another site or origin, or {@code null} when it does not
	 */
	static @Nullable String refusal(HttpServletRequest request) {
		String site = request.getHeader("Sec-Fetch-Site");
		if (site != null) {
			return (site.equals("same-origin") || site.equals("none")) ? null
					: "the request comes from another site (Sec-Fetch-Site: " + site + ")";
		}
		String origin = request.getHeader("Origin");
		// "null" is an opaque origin (sandboxed frame, data: page, cross-origin redirect)
		if (origin != null && !sameHost(origin, request)) {
			return "the request comes from another origin (" + origin + ")";
		}
		return null;
	}

	private static boolean sameHost(String origin, HttpServletRequest request) {
		try {
			URI uri = URI.create(origin);
			int port = (uri.getPort() != -1) ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
			return request.getServerName().equalsIgnoreCase(uri.getHost()) && request.getServerPort() == port;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
