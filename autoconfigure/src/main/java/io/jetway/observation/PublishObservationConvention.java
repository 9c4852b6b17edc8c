package io.jetway.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags {@link JetwayObservationDocumentation#PUBLISH} observations; a bean of
 * this type replaces {@link DefaultPublishObservationConvention}.
 */
public interface PublishObservationConvention extends ObservationConvention<PublishObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof PublishObservationContext;
	}

}
