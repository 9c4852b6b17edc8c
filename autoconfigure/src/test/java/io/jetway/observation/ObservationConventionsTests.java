package io.jetway.observation;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.micrometer.common.KeyValues;
import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default conventions' names and tags.
 */
class ObservationConventionsTests {

	private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

	@Test
	void publishIsTaggedWithTypeAndOutcome() {
		PublishObservationContext context = new PublishObservationContext("orders.created", "order.created", "id-1",
				new Headers());
		DefaultPublishObservationConvention convention = DefaultPublishObservationConvention.INSTANCE;
		assertThat(convention.getName()).isEqualTo("jetway.publish");
		assertThat(tags(convention.getLowCardinalityKeyValues(context))).containsExactly("outcome=success",
				"type=order.created");
		assertThat(tags(convention.getHighCardinalityKeyValues(context))).containsExactly("jetway.message.id=id-1",
				"jetway.subject=orders.created");
		context.setError(new IllegalStateException("no stream"));
		assertThat(tags(convention.getLowCardinalityKeyValues(context))).contains("outcome=failure");
	}

	@Test
	void publishWithoutTypeIsTaggedNone() {
		PublishObservationContext context = new PublishObservationContext("orders.created", null, "id-1",
				new Headers());
		assertThat(tags(DefaultPublishObservationConvention.INSTANCE.getLowCardinalityKeyValues(context)))
			.contains("type=none");
	}

	@Test
	void aTypeThatIsOnlyTheSubjectIsTaggedNoneSoThatSubjectsWithIdsMakeNoSeriesEach() {
		// Jetway sets ce-type to the subject when the publisher gave no type
		PublishObservationContext publish = new PublishObservationContext("tenant-a.orders.o-81723.created",
				"orders.o-81723.created", "id-1", new Headers());
		assertThat(tags(DefaultPublishObservationConvention.INSTANCE.getLowCardinalityKeyValues(publish)))
			.contains("type=none");
		NatsMessage message = NatsMessage.builder()
			.subject("orders.o-81723.created")
			.headers(new Headers().put("ce-type", "orders.o-81723.created"))
			.data(new byte[0])
			.build();
		ListenerObservationContext listener = new ListenerObservationContext(message, "billing", "ORDERS", "id-1");
		assertThat(tags(DefaultListenerObservationConvention.INSTANCE.getLowCardinalityKeyValues(listener)))
			.contains("type=none");
	}

	@Test
	void publishContextInjectsIntoTheMessageHeaders() {
		Headers headers = new Headers();
		PublishObservationContext context = new PublishObservationContext("orders.created", null, "id-1", headers);
		context.getSetter().set(context.getCarrier(), "traceparent", TRACEPARENT);
		assertThat(headers.getFirst("traceparent")).isEqualTo(TRACEPARENT);
	}

	@Test
	void relayBatchWithAFailedRowIsAFailure() {
		OutboxRelayObservationContext context = new OutboxRelayObservationContext(10);
		DefaultOutboxRelayObservationConvention convention = DefaultOutboxRelayObservationConvention.INSTANCE;
		assertThat(convention.getName()).isEqualTo("jetway.outbox.relay");
		assertThat(tags(convention.getLowCardinalityKeyValues(context))).containsExactly("outcome=success");
		context.setFailedRows(1);
		assertThat(tags(convention.getLowCardinalityKeyValues(context))).containsExactly("outcome=failure");
		assertThat(tags(convention.getHighCardinalityKeyValues(context))).containsExactly("jetway.outbox.failed-rows=1",
				"jetway.outbox.rows=10");
	}

	@Test
	void listenerIsTaggedWithStreamConsumerTypeAndOutcome() {
		NatsMessage message = NatsMessage.builder()
			.subject("orders.created")
			.headers(new Headers().put("ce-type", "order.created").put("traceparent", TRACEPARENT))
			.data(new byte[0])
			.build();
		ListenerObservationContext context = new ListenerObservationContext(message, "billing", "ORDERS", "id-1");
		DefaultListenerObservationConvention convention = DefaultListenerObservationConvention.INSTANCE;
		assertThat(convention.getName()).isEqualTo("jetway.listener");
		assertThat(convention.getContextualName(context)).isEqualTo("billing process");
		assertThat(tags(convention.getLowCardinalityKeyValues(context))).containsExactly("consumer=billing",
				"outcome=success", "stream=ORDERS", "type=order.created");
		assertThat(context.getGetter().get(context.getCarrier(), "traceparent")).isEqualTo(TRACEPARENT);
		context.setError(new IllegalStateException("handler failed"));
		assertThat(tags(convention.getLowCardinalityKeyValues(context))).contains("outcome=failure");
	}

	@Test
	void listenerOfAMessageWithoutHeadersHasNoTraceparentAndTypeNone() {
		NatsMessage message = NatsMessage.builder().subject("raw").data(new byte[0]).build();
		ListenerObservationContext context = new ListenerObservationContext(message, "raw", "RAW", "RAW:1");
		assertThat(context.getGetter().get(context.getCarrier(), "traceparent")).isNull();
		assertThat(tags(DefaultListenerObservationConvention.INSTANCE.getLowCardinalityKeyValues(context)))
			.contains("type=none");
	}

	@Test
	void jobContinuesTheStoredTraceAndIsTaggedWithQueueTypeAndOutcome() {
		UUID id = UUID.randomUUID();
		JobObservationContext context = new JobObservationContext(id, "send-mail", "mail", 2, TRACEPARENT);
		DefaultJobObservationConvention convention = DefaultJobObservationConvention.INSTANCE;
		assertThat(convention.getName()).isEqualTo("jetway.job");
		assertThat(context.getGetter().get(context.getCarrier(), "traceparent")).isEqualTo(TRACEPARENT);
		assertThat(tags(convention.getLowCardinalityKeyValues(context))).containsExactly("outcome=success",
				"queue=mail", "type=send-mail");
		assertThat(tags(convention.getHighCardinalityKeyValues(context))).containsExactly("jetway.attempt=2",
				"jetway.job.id=" + id);
		context.setError(new IllegalStateException("handler failed"));
		assertThat(tags(convention.getLowCardinalityKeyValues(context))).contains("outcome=failure");
	}

	@Test
	void webhookIsASuccessOnlyWhenDelivered() {
		WebhookObservationContext context = new WebhookObservationContext(UUID.randomUUID(), "send-mail", "mail", 1,
				null);
		DefaultWebhookObservationConvention convention = DefaultWebhookObservationConvention.INSTANCE;
		assertThat(convention.getName()).isEqualTo("jetway.webhook");
		assertThat(tags(convention.getLowCardinalityKeyValues(context))).contains("outcome=failure");
		context.setDelivered(true);
		assertThat(tags(convention.getLowCardinalityKeyValues(context))).contains("outcome=success");
		assertThat(context.getCarrier()).isEmpty();
	}

	@Test
	void storedTraceparentThatIsNotW3CIsNotCarried() {
		assertThat(JobRowObservationContext.carrier(TRACEPARENT)).containsEntry("traceparent", TRACEPARENT);
		assertThat(JobRowObservationContext.carrier(null)).isEmpty();
		assertThat(JobRowObservationContext.carrier(TRACEPARENT + "\r\nX-Evil: 1")).isEmpty();
		assertThat(JobRowObservationContext.carrier("not a traceparent")).isEmpty();
	}

	@Test
	void documentationListsTheKeysAndConventionOfEachObservation() {
		UUID id = UUID.randomUUID();
		NatsMessage message = NatsMessage.builder().subject("orders.created").data(new byte[0]).build();
		documents(JetwayObservationDocumentation.PUBLISH, DefaultPublishObservationConvention.INSTANCE,
				new PublishObservationContext("orders.created", null, "id-1", new Headers()));
		documents(JetwayObservationDocumentation.OUTBOX_RELAY, DefaultOutboxRelayObservationConvention.INSTANCE,
				new OutboxRelayObservationContext(1));
		documents(JetwayObservationDocumentation.LISTENER, DefaultListenerObservationConvention.INSTANCE,
				new ListenerObservationContext(message, "billing", "ORDERS", "id-1"));
		documents(JetwayObservationDocumentation.JOB, DefaultJobObservationConvention.INSTANCE,
				new JobObservationContext(id, "send-mail", "mail", 1, null));
		documents(JetwayObservationDocumentation.WEBHOOK, DefaultWebhookObservationConvention.INSTANCE,
				new WebhookObservationContext(id, "send-mail", "mail", 1, null));
	}

	private static <C extends Observation.Context> void documents(JetwayObservationDocumentation documentation,
			ObservationConvention<C> convention, C context) {
		assertThat(documentation.getDefaultConvention()).isEqualTo(convention.getClass());
		assertThat(convention.supportsContext(context)).isTrue();
		assertThat(tags(convention.getLowCardinalityKeyValues(context))).extracting((tag) -> tag.split("=")[0])
			.containsExactlyInAnyOrderElementsOf(keys(documentation.getLowCardinalityKeyNames()));
		assertThat(tags(convention.getHighCardinalityKeyValues(context))).extracting((tag) -> tag.split("=")[0])
			.containsExactlyInAnyOrderElementsOf(keys(documentation.getHighCardinalityKeyNames()));
	}

	private static List<String> keys(KeyName[] names) {
		return Arrays.stream(names).map(KeyName::asString).toList();
	}

	private static String[] tags(KeyValues keyValues) {
		return keyValues.stream()
			.map((keyValue) -> keyValue.getKey() + "=" + keyValue.getValue())
			.toArray(String[]::new);
	}

}
