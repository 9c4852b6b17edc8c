package io.jetway.observation;

import io.jetway.observation.JetwayObservationDocumentation.HighCardinalityKeyNames;
import io.jetway.observation.JetwayObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValues;

/**
 * The default {@link OutboxRelayObservationConvention}: {@code jetway.outbox.relay},
 * tagged {@code outcome=failure} when a row of the batch failed to publish.
 */
public class DefaultOutboxRelayObservationConvention implements OutboxRelayObservationConvention {

	/** The shared instance. */
	public static final DefaultOutboxRelayObservationConvention INSTANCE = new DefaultOutboxRelayObservationConvention();

	/** The observation's name. */
	public static final String NAME = "jetway.outbox.relay";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(OutboxRelayObservationContext context) {
		return "outbox relay";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(OutboxRelayObservationContext context) {
		String outcome = (context.getFailedRows() > 0) ? JetwayObservationDocumentation.FAILURE
				: JetwayObservationDocumentation.outcome(context);
		return KeyValues.of(LowCardinalityKeyNames.OUTCOME.withValue(outcome));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(OutboxRelayObservationContext context) {
		return KeyValues.of(HighCardinalityKeyNames.ROWS.withValue(Integer.toString(context.getRows())),
				HighCardinalityKeyNames.FAILED_ROWS.withValue(Integer.toString(context.getFailedRows())));
	}

}
