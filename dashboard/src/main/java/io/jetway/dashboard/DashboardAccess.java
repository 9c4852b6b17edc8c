package io.jetway.dashboard;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Decides who may read and who may act, from the application's security (or its absence).
 */
interface DashboardAccess {

	/**
	 * @param request the request to the dashboard
	 * @return who asks and what they may do
	 */
	Viewer viewer(HttpServletRequest request);

	/**
	 * @param request a request that acts (POST)
	 * @return why it is refused although its viewer may operate (no CSRF protection, a
	 * cross-site origin), or {@code null} when it may go on
	 */
	@org.jspecify.annotations.Nullable
	String refuseAction(HttpServletRequest request);

}
