package io.jetway.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags {@link JetwayObservationDocumentation#OUTBOX_RELAY} observations; a bean
 * of this type replaces {@link DefaultOutboxRelayObservationConvention}.
 */
public interface OutboxRelayObservationConvention extends ObservationConvention<OutboxRelayObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof OutboxRelayObservationContext;
	}

}
