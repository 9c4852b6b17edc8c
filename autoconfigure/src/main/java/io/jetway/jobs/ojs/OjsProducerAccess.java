package io.jetway.jobs.ojs;

import io.jetway.support.JetwayConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer endpoints (PUSH, INFO, CANCEL, queues, dead letters) authenticate nobody
 * themselves: they rely on Spring Security. Without it on the class path, OJS starts only
 * when the application provides an {@link OjsProducerGuard} bean (its own protection), or
 * when {@code jetway.jobs.ojs.allow-unauthenticated-producers=true} allows open producer
 * endpoints, which warns whenever it is set.
 */
final class OjsProducerAccess {

	static final String SECURITY_CLASS = "org.springframework.security.web.SecurityFilterChain";

	static final String PROPERTY = "jetway.jobs.ojs.allow-unauthenticated-producers";

	private static final Logger logger = LoggerFactory.getLogger(OjsProducerAccess.class);

	private OjsProducerAccess() {
	}

	/**
	 * Refuses to start unprotected producer endpoints unless allowed, and warns when they
	 * are.
	 * @param properties the OJS settings
	 * @param securityPresent whether Spring Security (web) is on the class path
	 * @param guardPresent whether the application provides an {@link OjsProducerGuard}
	 */
	static void check(OjsProperties properties, boolean securityPresent, boolean guardPresent) {
		if (securityPresent) {
			return;
		}
		if (guardPresent) {
			logger.info("OJS producer endpoints under {}/v1 are protected by the application (an {} bean), not by "
					+ "Jetway", properties.getBasePath(), OjsProducerGuard.class.getSimpleName());
		}
		else if (!properties.isAllowUnauthenticatedProducers()) {
			throw new JetwayConfigurationException(
					"The OJS producer endpoints (push, info, cancel, queues, dead letters under "
							+ properties.getBasePath()
							+ "/v1) have no authentication and Spring Security is not on the class path",
					PROPERTY,
					"Add Spring Security and protect " + properties.getBasePath() + "/v1/** (except "
							+ properties.getBasePath() + "/v1/workers/**, which worker tokens guard); or protect them "
							+ "with a filter of the application's own and declare it with a bean of type "
							+ OjsProducerGuard.class.getName() + "; or set " + PROPERTY
							+ "=true for conformance runs and tests on a trusted network only.",
					null);
		}
		if (properties.isAllowUnauthenticatedProducers()) {
			logger.warn("OJS producer endpoints under {}/v1 may be served WITHOUT authentication ({}=true): anyone "
					+ "who can reach them can push, inspect and cancel jobs; use this for conformance runs and tests "
					+ "only", properties.getBasePath(), PROPERTY);
		}
	}

}
