package io.jetway.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags {@link JetwayObservationDocumentation#JOB} observations; a bean of this
 * type replaces {@link DefaultJobObservationConvention}.
 */
public interface JobObservationConvention extends ObservationConvention<JobObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof JobObservationContext;
	}

}
