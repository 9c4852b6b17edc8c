package io.jetway.dashboard;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which requests an open dashboard refuses to act on: those a browser says come from
 * another site or origin.
 */
class OpenAccessTests {

	private final OpenAccess access = new OpenAccess();

	@Test
	void aSameOriginPostActs() {
		MockHttpServletRequest request = post();
		request.addHeader("Origin", "http://localhost:8080");
		request.addHeader("Sec-Fetch-Site", "same-origin");
		assertThat(this.access.refuseAction(request)).isNull();
	}

	@Test
	void aCrossSitePostIsRefused() {
		MockHttpServletRequest request = post();
		request.addHeader("Sec-Fetch-Site", "cross-site");
		assertThat(this.access.refuseAction(request)).contains("another site");
	}

	@Test
	void aPostFromAnotherOriginIsRefused() {
		MockHttpServletRequest request = post();
		request.addHeader("Origin", "http://evil.example");
		assertThat(this.access.refuseAction(request)).contains("another origin");
	}

	@Test
	void aPostFromAnOpaqueOriginIsRefused() {
		// sandboxed frames and data: pages send Origin: null
		MockHttpServletRequest request = post();
		request.addHeader("Origin", "null");
		assertThat(this.access.refuseAction(request)).contains("another origin (null)");
	}

	private static MockHttpServletRequest post() {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/jetway/actions/queues/reports/pause");
		request.setServerName("localhost");
		request.setServerPort(8080);
		return request;
	}

}
