package io.jetway.jobs.ojs;

import io.jetway.support.JetwayConfigurationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Only a base path that Spring MVC maps as written is accepted: a filter protecting the
 * endpoints compares request paths with it.
 */
class OjsBasePathTests {

	@ParameterizedTest
	@ValueSource(strings = { "/ojs/", "/", "ojs", "", "//ojs", "/ojs//jobs", "/ojs/..", "/a/../ojs", "/./ojs", "/ojs/.",
			"/o js" })
	void aSpellingThatSpringMvcWouldNormaliseIsRefusedNamingTheProperty(String basePath) {
		assertThatThrownBy(() -> OjsBasePath.check(basePath)).isInstanceOf(JetwayConfigurationException.class)
			.hasMessageContaining("'" + basePath + "'")
			.hasMessageContaining("jetway.jobs.ojs.base-path")
			.hasMessageContaining("such as /ojs");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/ojs", "/external/ojs", "/api/v2.ojs", "/..ojs" })
	void aNormalisedPathIsAccepted(String basePath) {
		assertThatNoException().isThrownBy(() -> OjsBasePath.check(basePath));
	}

}
