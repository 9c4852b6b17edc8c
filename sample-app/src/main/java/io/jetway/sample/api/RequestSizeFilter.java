package io.jetway.sample.api;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies larger than {@code sample.api.max-request-size} with 413 before
 * they are parsed or published (NATS would refuse them later, as a server error). A body
 * sent without {@code Content-Length} (chunked) is read up to the limit and refused when
 * it goes beyond. Tomcat reads and discards the rest of a refused body up to
 * {@code server.tomcat.max-swallow-size}, so that the client reads the answer instead of
 * a reset connection.
 */
class RequestSizeFilter extends OncePerRequestFilter {

	private final long maxBytes;

	private final ApiPaths paths;

	private final JsonErrorWriter errors;

	RequestSizeFilter(long maxBytes, ApiPaths paths, JsonMapper jsonMapper) {
		this.maxBytes = maxBytes;
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
		long declared = request.getContentLengthLong();
		if (declared > this.maxBytes) {
			refuse(response, declared + " bytes");
			return;
		}
		if (declared >= 0) {
			chain.doFilter(request, response);
			return;
		}
		byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, this.maxBytes + 1));
		if (body.length > this.maxBytes) {
			refuse(response, "more than " + this.maxBytes + " bytes");
			return;
		}
		chain.doFilter(new BufferedBodyRequest(request, body), response);
	}

	private void refuse(HttpServletResponse response, String size) throws IOException {
		this.errors.write(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
				new ApiError("The request body is " + size + "; the limit is " + this.maxBytes
						+ " bytes (sample.api.max-request-size): send a smaller payload", "body"));
	}

	/**
	 * A request whose body was read into memory (at most the limit).
	 */
	private static final class BufferedBodyRequest extends HttpServletRequestWrapper {

		private final byte[] body;

		BufferedBodyRequest(HttpServletRequest request, byte[] body) {
			super(request);
			this.body = body;
		}

		@Override
		public ServletInputStream getInputStream() {
			ByteArrayInputStream in = new ByteArrayInputStream(this.body);
			return new ServletInputStream() {

				@Override
				public int read() throws IOException {
					return in.read();
				}

				@Override
				public int read(byte[] buffer, int offset, int length) throws IOException {
					return in.read(buffer, offset, length);
				}

				@Override
				public boolean isFinished() {
					return in.available() == 0;
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setReadListener(ReadListener listener) {
					throw new UnsupportedOperationException("The body is already read");
				}

			};
		}

		@Override
		public BufferedReader getReader() {
			String encoding = getCharacterEncoding();
			Charset charset = (encoding != null) ? Charset.forName(encoding) : StandardCharsets.UTF_8;
			return new BufferedReader(new InputStreamReader(getInputStream(), charset));
		}

		@Override
		public int getContentLength() {
			return this.body.length;
		}

		@Override
		public long getContentLengthLong() {
			return this.body.length;
		}

	}

}
