package io.jetway.dashboard;

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
		return SameOrigin.refusal(request);
	}

}
