package io.jetway.outbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jetway.support.JsonText;
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

	/**
	 * Writes the JSON by hand: it runs for every outbox row, where a general serializer
	 * costs more than the insert.
	 */
	String encode(Headers headers) {
		StringBuilder json = new StringBuilder(256).append('{');
		for (Map.Entry<String, List<String>> header : headers.entrySet()) {
			if (json.length() > 1) {
				json.append(',');
			}
			JsonText.appendQuoted(json, header.getKey());
			json.append(":[");
			List<String> values = header.getValue();
			for (int i = 0; i < values.size(); i++) {
				if (i > 0) {
					json.append(',');
				}
				JsonText.appendQuoted(json, values.get(i));
			}
			json.append(']');
		}
		return json.append('}').toString();
	}

	Headers decode(String json) {
		Headers headers = new Headers();
		this.jsonMapper.readValue(json, TYPE).forEach(headers::put);
		return headers;
	}

}
