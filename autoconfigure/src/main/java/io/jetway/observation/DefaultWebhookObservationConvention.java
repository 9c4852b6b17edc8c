package io.jetway.observation;

import io.micrometer.common.KeyValues;

/**
 * The default {@link WebhookObservationConvention}: {@code jetway.webhook}, tagged with
 * the job's queue and type and the outcome of the delivery attempt ({@code success} when
 * the receiver answered 2xx).
 */
public class DefaultWebhookObservationConvention implements WebhookObservationConvention {

	/** The shared instance. */
	public static final DefaultWebhookObservationConvention INSTANCE = new DefaultWebhookObservationConvention();

	/** The observation's name. */
	public static final String NAME = "jetway.webhook";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(WebhookObservationContext context) {
		return context.getType() + " webhook";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(WebhookObservationContext context) {
		String outcome = (context.isDelivered() && context.getError() == null) ? JetwayObservationDocumentation.SUCCESS
				: JetwayObservationDocumentation.FAILURE;
		return JobRowKeyValues.lowCardinality(context, outcome);
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(WebhookObservationContext context) {
		return JobRowKeyValues.highCardinality(context);
	}

}
