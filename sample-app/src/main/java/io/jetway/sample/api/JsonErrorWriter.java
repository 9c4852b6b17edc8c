package io.jetway.sample.api;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;

/**
 * Writes an {@link ApiError} from a servlet filter, where no controller advice applies.
 */
class JsonErrorWriter {

	private final JsonMapper jsonMapper;

	JsonErrorWriter(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	void write(HttpServletResponse response, int status, ApiError error) throws IOException {
		response.setStatus(status);
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		this.jsonMapper.writeValue(response.getOutputStream(), error);
	}

}
