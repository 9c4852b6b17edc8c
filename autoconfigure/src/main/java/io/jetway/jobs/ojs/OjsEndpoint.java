package io.jetway.jobs.ojs;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.jetway.jobs.ojs.WorkerTokens.WorkerToken;
import io.jetway.support.MessageIds;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestHeader;

/**
 * What every OJS controller shares: the request content type check, the error format of
 * the binding ({@code {"error": {...}}}), the body parsing and the response headers
 * ({@code application/openjobspec+json}, {@code OJS-Version}, {@code X-Request-Id}).
 */
abstract class OjsEndpoint {

	static final MediaType OJS_JSON = MediaType.parseMediaType("application/openjobspec+json");

	private final JsonMapper jsonMapper;

	private final OjsProperties properties;

	private final WorkerTokens tokens;

	OjsEndpoint(JsonMapper jsonMapper, OjsProperties properties, WorkerTokens tokens) {
		this.jsonMapper = jsonMapper;
		this.properties = properties;
		this.tokens = tokens;
	}

	/**
	 * Requests with a body must send it as {@code application/openjobspec+json} or
	 * {@code application/json} (the binding, section 4.1).
	 */
	@ModelAttribute
	void checkContentType(HttpMethod method,
			@RequestHeader(name = "Content-Type", required = false) @Nullable String contentType) {
		if ((method != HttpMethod.POST && method != HttpMethod.PUT) || contentType == null) {
			return;
		}
		MediaType type;
		try {
			type = MediaType.parseMediaType(contentType);
		}
		catch (IllegalArgumentException ex) {
			type = MediaType.ALL;
		}
		if (!type.equalsTypeAndSubtype(OJS_JSON) && !type.equalsTypeAndSubtype(MediaType.APPLICATION_JSON)) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_request",
					"Content type '" + contentType
							+ "' is not supported: send application/openjobspec+json (or application/json)",
					Map.of("content_type", contentType));
		}
	}

	@ExceptionHandler(OjsException.class)
	ResponseEntity<Object> error(OjsException ex) {
		String requestId = requestId();
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("code", ex.code());
		// the same as code: the conformance suite reads some errors' type
		error.put("type", ex.code());
		error.put("message", ex.getMessage());
		error.put("retryable", ex.retryable());
		error.put("details", ex.details());
		error.put("hint", ex.hint());
		error.put("docs_url", ex.docsUrl());
		error.put("request_id", requestId);
		ResponseEntity.BodyBuilder builder = ResponseEntity.status(ex.status())
			.contentType(OJS_JSON)
			.header("OJS-Version", "1.0")
			.header("X-Request-Id", requestId);
		if (ex.status() == HttpStatus.UNAUTHORIZED) {
			builder.header("WWW-Authenticate", "Bearer");
		}
		return builder.body(Map.of("error", error));
	}

	JsonNode parse(@Nullable String body) {
		if (body == null || body.isBlank()) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_payload", "The request needs a JSON object body",
					Map.of());
		}
		try {
			JsonNode node = this.jsonMapper.readTree(body);
			if (!node.isObject()) {
				throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_payload",
						"The request body must be a JSON object", Map.of());
			}
			return node;
		}
		catch (JacksonException ex) {
			throw new OjsException(HttpStatus.BAD_REQUEST, "invalid_payload",
					"The request body is not valid JSON: " + ex.getOriginalMessage(), Map.of());
		}
	}

	static ResponseEntity<Object> ok(Object body) {
		return response(HttpStatus.OK).body(body);
	}

	static ResponseEntity.BodyBuilder response(HttpStatus status) {
		return ResponseEntity.status(status)
			.contentType(OJS_JSON)
			.header("OJS-Version", "1.0")
			.header("X-Request-Id", requestId());
	}

	/**
	 * @return the worker the call's worker token names, or any worker when
	 * {@code jetway.jobs.ojs.require-worker-token=false}
	 * @throws OjsException 401 without a current token
	 */
	WorkerToken worker(@Nullable String authorization) {
		if (!this.properties.isRequireWorkerToken()) {
			return WorkerToken.ANY;
		}
		return this.tokens.authenticate(authorization);
	}

	/**
	 * @return the request's {@code visibility_timeout_ms}, or
	 * {@code jetway.jobs.ojs.visibility-timeout} without one
	 * @throws OjsException 400 when it is not from 1 ms to
	 * {@code jetway.jobs.ojs.max-visibility-timeout}
	 */
	Duration visibility(JsonNode request) {
		Duration requested = requestedVisibility(request);
		return (requested != null) ? requested : this.properties.getVisibilityTimeout();
	}

	/**
	 * @return the request's {@code visibility_timeout_ms}, or {@code null} without one
	 * @throws OjsException 400 when it is not from 1 ms to
	 * {@code jetway.jobs.ojs.max-visibility-timeout}
	 */
	@Nullable Duration requestedVisibility(JsonNode request) {
		JsonNode millis = request.path("visibility_timeout_ms");
		if (millis.isMissingNode() || millis.isNull()) {
			return null;
		}
		Duration max = this.properties.getMaxVisibilityTimeout();
		if (!millis.isIntegralNumber() || !millis.canConvertToLong() || millis.longValue() < 1
				|| millis.longValue() > max.toMillis()) {
			throw OjsException.invalid("The 'visibility_timeout_ms' field must be a positive integer of at most "
					+ max.toMillis() + " (jetway.jobs.ojs.max-visibility-timeout), was " + millis);
		}
		return Duration.ofMillis(millis.longValue());
	}

	static @Nullable String leaseToken(JsonNode request) {
		return request.path("lease_token").isString() ? request.path("lease_token").asString() : null;
	}

	static UUID jobId(String id) {
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw OjsException.notFound(id);
		}
	}

	private static String requestId() {
		return "req_" + MessageIds.next();
	}

}
