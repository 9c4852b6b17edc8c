package io.jetway.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags {@link JetwayObservationDocumentation#WEBHOOK} observations; a bean of
 * this type replaces {@link DefaultWebhookObservationConvention}.
 */
public interface WebhookObservationConvention extends ObservationConvention<WebhookObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof WebhookObservationContext;
	}

}
