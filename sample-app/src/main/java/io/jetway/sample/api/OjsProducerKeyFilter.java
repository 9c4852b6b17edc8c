package io.jetway.sample.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

import io.jetway.jobs.ojs.OjsProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Requires the OJS admin key ({@code X-Jetway-Admin-Key},
 * {@code jetway.jobs.ojs.admin-key}) on the OJS producer endpoints: every path under the
 * OJS base path except the manifest and the worker calls ({@code /ojs/v1/workers/**},
 * which Jetway guards with worker tokens). Tenants enqueue through the jobs API, whose
 * keys, job types and rate limits a PUSH would bypass, and INFO and CANCEL know no
 * tenants: so only the operator pushes, inspects and cancels over OJS. Paths are compared
 * as {@link ApiPaths} compares them, so no spelling of a producer path escapes the
 * filter.
 */
public class OjsProducerKeyFilter extends OncePerRequestFilter {

	static final String ADMIN_KEY_HEADER = "X-Jetway-Admin-Key";

	private final String basePath;

	private final byte @Nullable [] adminKey;

	private final JsonMapper jsonMapper;

	public OjsProducerKeyFilter(OjsProperties properties, JsonMapper jsonMapper) {
		this.basePath = ApiPaths.normalize(properties.getBasePath());
		this.adminKey = (properties.getAdminKey() != null) ? properties.getAdminKey().getBytes(StandardCharsets.UTF_8)
				: null;
		this.jsonMapper = jsonMapper;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!isProducerPath(ApiPaths.normalizedPath(request)) || hasAdminKey(request)) {
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

	private boolean isProducerPath(String path) {
		if (!path.equals(this.basePath) && !path.startsWith(this.basePath + "/")) {
			return false;
		}
		// a worker call never has a '..' segment: such a path is not taken for one
		boolean workerCall = path.startsWith(this.basePath + "/v1/workers/") && !path.contains("..");
		return !workerCall && !path.equals(this.basePath + "/manifest");
	}

	private boolean hasAdminKey(HttpServletRequest request) {
		String presented = request.getHeader(ADMIN_KEY_HEADER);
		return this.adminKey != null && presented != null
				&& MessageDigest.isEqual(this.adminKey, presented.getBytes(StandardCharsets.UTF_8));
	}

}
