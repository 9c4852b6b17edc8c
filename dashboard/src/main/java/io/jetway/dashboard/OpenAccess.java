package io.jetway.dashboard;

import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Access without Spring Security ({@code jetway.dashboard.enabled=true} set on purpose):
 * everyone may read and act. Actions are refused when the browser says they come from
 * another site ({@code Sec-Fetch-Site}, {@code Origin}), the only CSRF defence left.
 */
class OpenAccess implements DashboardAccess {

	@Override
	public Viewer viewer(HttpServletRequest request) {
		return new Viewer(null, true, true, null, null);
	}

	@Override
	public @Nullable String refuseAction(HttpServletRequest request) {
		String site = request.getHeader("Sec-Fetch-Site");
		if (site != null && !site.equals("same-origin") && !site.equals("none")) {
			return "the request comes from another site (Sec-Fetch-Site: " + site + ")";
		}
		String origin = request.getHeader("Origin");
		if (origin != null && !origin.equals("null") && !sameHost(origin, request)) {
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
