package io.jetway.sample;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * Drives the running application over HTTP, the way the README's curl commands do, and
 * never throws for error statuses.
 */
final class Api {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final RestClient client;

	private final String baseUrl;

	Api(int port) {
		this.baseUrl = "http://127.0.0.1:" + port;
		this.client = RestClient.builder().build();
	}

	Response post(String path, @Nullable String key, @Nullable String body) {
		return exchange(HttpMethod.POST, path, key, body, MediaType.APPLICATION_JSON);
	}

	Response get(String path, @Nullable String key) {
		return exchange(HttpMethod.GET, path, key, null, null);
	}

	Response exchange(HttpMethod method, String path, @Nullable String key, @Nullable String body,
			@Nullable MediaType contentType) {
		HttpHeaders headers = new HttpHeaders();
		if (key != null) {
			headers.setBearerAuth(key);
		}
		return send(method, path, headers, body, contentType);
	}

	Response send(HttpMethod method, String path, HttpHeaders headers, @Nullable String body,
			@Nullable MediaType contentType) {
		// sent as written: an encoded character such as %2F stays encoded
		RestClient.RequestBodySpec request = this.client.method(method).uri(URI.create(this.baseUrl + path));
		request.headers((sent) -> sent.addAll(headers));
		if (body != null) {
			request.contentType((contentType != null) ? contentType : MediaType.APPLICATION_JSON).body(body);
		}
		return request.exchange((req, res) -> {
			byte[] bytes = res.getBody().readAllBytes();
			JsonNode parsed = (bytes.length > 0) ? json.readTree(bytes) : json.missingNode();
			return new Response(res.getStatusCode().value(), res.getHeaders(), parsed);
		});
	}

	static JsonNode json(String text) {
		return json.readTree(text);
	}

	/**
	 * @return the text as a JSON string literal
	 */
	static String quoted(String text) {
		return json.writeValueAsString(text);
	}

	/**
	 * @param status the HTTP status
	 * @param headers the response headers
	 * @param body the body as JSON (a missing node when empty)
	 */
	record Response(int status, HttpHeaders headers, JsonNode body) {

		String text(String field) {
			return this.body.path(field).asString();
		}

		@Override
		public String toString() {
			return this.status + " " + this.body;
		}

	}

}
