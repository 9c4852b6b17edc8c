package io.jetway.observation;

import io.jetway.observation.JetwayObservationDocumentation.HighCardinalityKeyNames;
import io.jetway.observation.JetwayObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValues;

/**
 * The tags of observations of work on a job row.
 */
final class JobRowKeyValues {

	private JobRowKeyValues() {
	}

	static KeyValues lowCardinality(JobRowObservationContext context, String outcome) {
		return KeyValues.of(LowCardinalityKeyNames.QUEUE.withValue(context.getQueue()),
				LowCardinalityKeyNames.TYPE.withValue(context.getType()),
				LowCardinalityKeyNames.OUTCOME.withValue(outcome));
	}

	static KeyValues highCardinality(JobRowObservationContext context) {
		return KeyValues.of(HighCardinalityKeyNames.JOB_ID.withValue(context.getJobId().toString()),
				HighCardinalityKeyNames.ATTEMPT.withValue(Integer.toString(context.getAttempt())));
	}

}
