package io.jetway.dashboard;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Lets a request to the dashboard through only when its viewer may read it (and act, for
 * a POST), and gives every answer a strict Content-Security-Policy: scripts, styles and
 * requests only from the application itself, no inline script, no framing.
 */
class DashboardInterceptor implements HandlerInterceptor {

	static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

	private static final Log logger = LogFactory.getLog(DashboardInterceptor.class);

	private final DashboardAccess access;

	DashboardInterceptor(DashboardAccess access) {
		this.access = access;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws Exception {
		response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setHeader("Referrer-Policy", "same-origin");
		response.setHeader("X-Frame-Options", "DENY");
		Viewer viewer = this.access.viewer(request);
		if (!viewer.canRead()) {
			return refuse(response, (viewer.name() == null) ? HttpStatus.UNAUTHORIZED : HttpStatus.FORBIDDEN,
					(viewer.name() == null) ? "Log in to see the Jetway dashboard."
							: "You may not see the Jetway dashboard (it needs the read or the operator role).");
		}
		if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
			if (!viewer.canOperate()) {
				logger.info("Jetway dashboard: " + viewer.name() + " may not act (no operator role); refused "
						+ request.getMethod() + " " + request.getRequestURI().replaceAll("\\p{Cntrl}", "?"));
				return refuse(response, HttpStatus.FORBIDDEN, "Actions need the operator role.");
			}
			String refusal = this.access.refuseAction(request);
			if (refusal != null) {
				return refuse(response, HttpStatus.FORBIDDEN, "Refused: " + refusal + ".");
			}
		}
		return true;
	}

	private static boolean refuse(HttpServletResponse response, HttpStatus status, String message) throws Exception {
		response.setStatus(status.value());
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter().write(message);
		return false;
	}

}
