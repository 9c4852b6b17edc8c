package io.jetway.observation;

import io.jetway.observation.JetwayObservationDocumentation.HighCardinalityKeyNames;
import io.jetway.observation.JetwayObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValues;

/**
 * The default {@link PublishObservationConvention}: {@code jetway.publish}, tagged with
 * the message type and the outcome.
 */
public class DefaultPublishObservationConvention implements PublishObservationConvention {

	/** The shared instance. */
	public static final DefaultPublishObservationConvention INSTANCE = new DefaultPublishObservationConvention();

	/** The observation's name. */
	public static final String NAME = "jetway.publish";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(PublishObservationContext context) {
		return context.getSubject() + " publish";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(PublishObservationContext context) {
		return KeyValues.of(
				LowCardinalityKeyNames.TYPE
					.withValue(JetwayObservationDocumentation.messageType(context.getType(), context.getSubject())),
				LowCardinalityKeyNames.OUTCOME.withValue(JetwayObservationDocumentation.outcome(context)));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(PublishObservationContext context) {
		return KeyValues.of(HighCardinalityKeyNames.MESSAGE_ID.withValue(context.getMessageId()),
				HighCardinalityKeyNames.SUBJECT.withValue(context.getSubject()));
	}

}
