package io.jetway.observation;

import io.jetway.observation.JetwayObservationDocumentation.HighCardinalityKeyNames;
import io.jetway.observation.JetwayObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValues;

/**
 * The default {@link ListenerObservationConvention}: {@code jetway.listener}, tagged with
 * the stream, the consumer, the message type and the outcome.
 */
public class DefaultListenerObservationConvention implements ListenerObservationConvention {

	/** The shared instance. */
	public static final DefaultListenerObservationConvention INSTANCE = new DefaultListenerObservationConvention();

	/** The observation's name. */
	public static final String NAME = "jetway.listener";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(ListenerObservationContext context) {
		return context.getConsumer() + " process";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(ListenerObservationContext context) {
		return KeyValues.of(LowCardinalityKeyNames.STREAM.withValue(context.getStream()),
				LowCardinalityKeyNames.CONSUMER.withValue(context.getConsumer()),
				LowCardinalityKeyNames.TYPE.withValue(JetwayObservationDocumentation.messageType(context.getType(),
						context.getMessage().getSubject())),
				LowCardinalityKeyNames.OUTCOME.withValue(JetwayObservationDocumentation.outcome(context)));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(ListenerObservationContext context) {
		String subject = context.getMessage().getSubject();
		return KeyValues.of(HighCardinalityKeyNames.MESSAGE_ID.withValue(context.getMessageId()),
				HighCardinalityKeyNames.SUBJECT.withValue((subject != null) ? subject : ""));
	}

}
