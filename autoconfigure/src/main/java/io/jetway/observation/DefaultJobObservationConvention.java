package io.jetway.observation;

import io.micrometer.common.KeyValues;

/**
 * The default {@link JobObservationConvention}: {@code jetway.job}, tagged with the
 * queue, the job type and the outcome of the attempt ({@code failure} when it threw or
 * timed out).
 */
public class DefaultJobObservationConvention implements JobObservationConvention {

	/** The shared instance. */
	public static final DefaultJobObservationConvention INSTANCE = new DefaultJobObservationConvention();

	/** The observation's name. */
	public static final String NAME = "jetway.job";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(JobObservationContext context) {
		return context.getType() + " run";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(JobObservationContext context) {
		return JobRowKeyValues.lowCardinality(context, JetwayObservationDocumentation.outcome(context));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(JobObservationContext context) {
		return JobRowKeyValues.highCardinality(context);
	}

}
