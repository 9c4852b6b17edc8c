package io.jetway.consumer;

import java.time.Duration;

import io.jetway.consumer.JetwayConsumersProperties.ConsumerProperties;
import io.nats.client.JetStream;
import io.nats.client.api.ConsumerConfiguration;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link ListenerContainer} needs besides its processor.
 *
 * @param name the consumer (durable) name
 * @param stream the stream name, namespace applied
 * @param consumerConfiguration the durable's configuration
 * @param properties the consumer's properties
 * @param deadLetterSubject the dead-letter subject, namespace applied, or {@code null}
 * when dead-lettering is off
 * @param deadLetterPublisher publishes dead letters
 * @param ensurer creates or updates the durable
 * @param jetStream fetches messages
 * @param observer told what happened
 * @param shutdownTimeout how long running handlers may finish on stop
 */
record ContainerSettings(String name, String stream, ConsumerConfiguration consumerConfiguration,
		ConsumerProperties properties, @Nullable String deadLetterSubject, DeadLetterPublisher deadLetterPublisher,
		ConsumerEnsurer ensurer, JetStream jetStream, ConsumerObserver observer, Duration shutdownTimeout) {
}
