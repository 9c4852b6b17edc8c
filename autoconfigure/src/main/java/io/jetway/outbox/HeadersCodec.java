package io.jetway.outbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nats.client.impl.Headers;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores NATS headers as a JSON object of string lists, readable in the table.
 */
class HeadersCodec {

	private static final TypeReference<LinkedHashMap<String, List<String>>> TYPE = new TypeReference<>() {
	};

	private final JsonMapper jsonMapper;

	HeadersCodec(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	String encode(Headers headers) {
		Map<String, List<String>> map = new LinkedHashMap<>();
		for (String key : headers.keySet()) {
			map.put(key, headers.get(key));
		}
		return this.jsonMapper.writeValueAsString(map);
	}

	Headers decode(String json) {
		Headers headers = new Headers();
		this.jsonMapper.readValue(json, TYPE).forEach(headers::put);
		return headers;
	}

}
