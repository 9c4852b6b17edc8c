package io.jetway.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags {@link JetwayObservationDocumentation#LISTENER} observations; a bean of
 * this type replaces {@link DefaultListenerObservationConvention}.
 */
public interface ListenerObservationConvention extends ObservationConvention<ListenerObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof ListenerObservationContext;
	}

}
