package io.jetway.sample.api;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Requires {@code Authorization: Bearer <key>} with a configured key on the events, jobs
 * and orders API, and hands the key's {@link Tenant} to the controllers as a request
 * attribute.
 */
public class ApiKeyFilter extends OncePerRequestFilter {

	/** The request attribute holding the {@link Tenant}. */
	public static final String TENANT = "io.jetway.sample.api.Tenant";

	private static final String BEARER = "Bearer ";

	private final ApiKeys keys;

	private final ApiPaths paths;

	private final JsonErrorWriter errors;

	public ApiKeyFilter(ApiKeys keys, ApiPaths paths, JsonMapper jsonMapper) {
		this.keys = keys;
		this.paths = paths;
		this.errors = new JsonErrorWriter(jsonMapper);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!this.paths.isApi(request)) {
			chain.doFilter(request, response);
			return;
		}
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			refuse(response, "Missing API key: send 'Authorization: Bearer <key>'");
			return;
		}
		Optional<Tenant> tenant = this.keys.find(authorization.substring(BEARER.length()).trim());
		if (tenant.isEmpty()) {
			refuse(response, "Invalid API key");
			return;
		}
		request.setAttribute(TENANT, tenant.get());
		chain.doFilter(request, response);
	}

	private void refuse(HttpServletResponse response, String message) throws IOException {
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		this.errors.write(response, HttpServletResponse.SC_UNAUTHORIZED, new ApiError(message, "Authorization"));
	}

}
