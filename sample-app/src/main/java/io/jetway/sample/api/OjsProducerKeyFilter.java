package io.jetway.sample.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

import io.jetway.jobs.ojs.OjsProducerGuard;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Requires the OJS admin key ({@code X-Jetway-Admin-Key},
 * {@code jetway.jobs.ojs.admin-key}) on the OJS producer endpoints: every path under the
 * OJS base path except the manifest and the worker calls ({@code /ojs/v1/workers/**} and
 * {@code PUT /ojs/v1/jobs/{id}/progress}, which Jetway guards with worker tokens).
 * Tenants enqueue through the jobs API, whose keys, job types and rate limits a PUSH
 * would bypass, and INFO and CANCEL know no tenants: so only the operator pushes,
 * inspects and cancels over OJS. Paths are compared as {@link ApiPaths} compares them, so
 * no spelling of a producer path escapes the filter. As an {@link OjsProducerGuard} it
 * tells Jetway that the producer endpoints are protected ({@link OjsProducerProtection}
 * checks the settings it relies on).
 */
public class OjsProducerKeyFilter extends OncePerRequestFilter implements OjsProducerGuard {

	static final String ADMIN_KEY_HEADER = "X-Jetway-Admin-Key";

	private final String basePath;

	private final byte[] adminKey;

	private final JsonMapper jsonMapper;

	/**
	 * @param basePath the OJS base path as requests spell it: with the
	 * DispatcherServlet's path in front ({@code spring.mvc.servlet.path})
	 * @param adminKey the admin key, not empty
	 * @param jsonMapper writes the error
	 */
	public OjsProducerKeyFilter(String basePath, String adminKey, JsonMapper jsonMapper) {
		if (adminKey.isEmpty()) {
			throw new IllegalArgumentException("The admin key must not be empty");
		}
		this.basePath = ApiPaths.normalize(basePath);
		this.adminKey = adminKey.getBytes(StandardCharsets.UTF_8);
		this.jsonMapper = jsonMapper;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!isProducerCall(request.getMethod(), ApiPaths.normalizedPath(request)) || hasAdminKey(request)) {
			chain.doFilter(request, response);
			return;
		}
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("code", "unauthenticated");
		error.put("message", "The OJS producer endpoints need the admin key (jetway.jobs.ojs.admin-key) in the "
				+ ADMIN_KEY_HEADER + " header; tenants enqueue through /jobs/v1 with their API keys");
		error.put("retryable", false);
		response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
		response.setContentType("application/openjobspec+json");
		this.jsonMapper.writeValue(response.getOutputStream(), Map.of("error", error));
	}

	private boolean isProducerCall(String method, String path) {
		if (!path.equals(this.basePath) && !path.startsWith(this.basePath + "/")) {
			return false;
		}
		// a worker call never has a '..' segment: such a path is not taken for one
		if (path.contains("..")) {
			return true;
		}
		boolean workerCall = path.startsWith(this.basePath + "/v1/workers/") || isProgressReport(method, path);
		return !workerCall && !path.equals(this.basePath + "/manifest");
	}

	/**
	 * @return whether the call is {@code PUT {base}/v1/jobs/<one segment>/progress},
	 * which only the worker holding the job's lease may make, with its worker token
	 */
	private boolean isProgressReport(String method, String path) {
		String jobs = this.basePath + "/v1/jobs/";
		if (!"PUT".equals(method) || !path.startsWith(jobs) || !path.endsWith("/progress")) {
			return false;
		}
		String id = path.substring(jobs.length(), path.length() - "/progress".length());
		return !id.isEmpty() && !id.contains("/") && !id.equals(".");
	}

	private boolean hasAdminKey(HttpServletRequest request) {
		String presented = request.getHeader(ADMIN_KEY_HEADER);
		return presented != null && !presented.isEmpty()
				&& MessageDigest.isEqual(this.adminKey, presented.getBytes(StandardCharsets.UTF_8));
	}

}
