package io.jetway.observation;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MDC keys Jetway sets around handlers.
 */
class JetwayMdcTests {

	@AfterEach
	void clear() {
		MDC.remove(JetwayMdc.MESSAGE_ID);
	}

	@Test
	void keyIsSetUntilClosedThenRemoved() {
		try (JetwayMdc.Entry entry = JetwayMdc.put(JetwayMdc.MESSAGE_ID, "id-1")) {
			assertThat(MDC.get(JetwayMdc.MESSAGE_ID)).isEqualTo("id-1");
		}
		assertThat(MDC.get(JetwayMdc.MESSAGE_ID)).isNull();
	}

	@Test
	void closingRestoresTheEarlierValue() {
		MDC.put(JetwayMdc.MESSAGE_ID, "outer");
		try (JetwayMdc.Entry entry = JetwayMdc.put(JetwayMdc.MESSAGE_ID, "inner")) {
			assertThat(MDC.get(JetwayMdc.MESSAGE_ID)).isEqualTo("inner");
		}
		assertThat(MDC.get(JetwayMdc.MESSAGE_ID)).isEqualTo("outer");
	}

}
