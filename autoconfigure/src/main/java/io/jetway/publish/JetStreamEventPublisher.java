package io.jetway.publish;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;

import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Publishes application events whose class is annotated with {@link JetStreamEvent}. Runs
 * synchronously on the thread that published the event, so the outbox row joins the
 * caller's transaction.
 */
public class JetStreamEventPublisher implements ApplicationListener<PayloadApplicationEvent<?>> {

	private final JetwayPublisher publisher;

	private final Map<Class<?>, Optional<JetStreamEvent>> annotations = new ConcurrentHashMap<>();

	public JetStreamEventPublisher(JetwayPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public void onApplicationEvent(PayloadApplicationEvent<?> event) {
		Object payload = event.getPayload();
		this.annotations
			.computeIfAbsent(payload.getClass(),
					(type) -> Optional
						.ofNullable(AnnotatedElementUtils.findMergedAnnotation(type, JetStreamEvent.class)))
			.ifPresent((annotation) -> {
				OutgoingMessage.Builder message = OutgoingMessage.builder(annotation.subject(), payload);
				if (!annotation.type().isEmpty()) {
					message.type(annotation.type());
				}
				this.publisher.publish(message.build());
			});
	}

	@Override
	public boolean supportsAsyncExecution() {
		return false;
	}

}
