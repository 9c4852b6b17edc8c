package io.jetway.consumer;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.jetway.consumer.JetwayConsumersProperties.ConsumerProperties;
import io.jetway.observation.ListenerObservationConvention;
import io.jetway.support.AnnotatedMethodCollector.AnnotatedMethod;
import io.jetway.support.JetwayConfigurationException;
import io.jetway.topology.Namespace;
import io.jetway.topology.StreamTopology;
import io.micrometer.observation.ObservationRegistry;
import io.nats.client.JetStream;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.StringUtils;

/**
 * Matches {@link JetStreamListener} methods with {@code jetway.consumers.*}, fails
 * startup on any mismatch, and runs a {@link ListenerContainer} per consumer: started
 * after the topology is ensured and the outbox relay runs, stopped before them.
 */
public class JetStreamListenerRegistry implements SmartInitializingSingleton, SmartLifecycle {

	/** After the topology and the outbox relay; stops before both. */
	public static final int PHASE = StreamTopology.PHASE + 2000;

	/** The dead-letter stream's logical name. */
	public static final String DEAD_LETTER_STREAM = "JETWAY_DLQ";

	/** The logical subject prefix of default dead-letter subjects. */
	public static final String DEAD_LETTER_SUBJECT_PREFIX = "jetway.dlq";

	private final JetStreamListenerAnnotationBeanPostProcessor listeners;

	private final JetwayConsumersProperties properties;

	private final Namespace namespace;

	private final JsonMapper jsonMapper;

	private final ConsumerEnsurer ensurer;

	private final JetStream jetStream;

	private final DeadLetterPublisher deadLetterPublisher;

	private final ConsumerObserver observer;

	private final @Nullable DeliveryProcessorFactory inboxProcessors;

	private final Duration shutdownTimeout;

	private final Map<String, ListenerContainer> containers = new LinkedHashMap<>();

	private volatile boolean running;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private @Nullable ListenerObservationConvention observationConvention;

	public JetStreamListenerRegistry(JetStreamListenerAnnotationBeanPostProcessor listeners,
			JetwayConsumersProperties properties, Namespace namespace, JsonMapper jsonMapper, ConsumerEnsurer ensurer,
			JetStream jetStream, DeadLetterPublisher deadLetterPublisher, ConsumerObserver observer,
			@Nullable DeliveryProcessorFactory inboxProcessors, Duration shutdownTimeout) {
		this.listeners = listeners;
		this.properties = properties;
		this.namespace = namespace;
		this.jsonMapper = jsonMapper;
		this.ensurer = ensurer;
		this.jetStream = jetStream;
		this.deadLetterPublisher = deadLetterPublisher;
		this.observer = observer;
		this.inboxProcessors = inboxProcessors;
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Sets the registry of the {@code jetway.listener} observations, one per handler
	 * invocation.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Replaces {@link io.jetway.observation.DefaultListenerObservationConvention}.
	 * @param observationConvention the convention, or {@code null} for the default
	 */
	public void setObservationConvention(@Nullable ListenerObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Map<String, List<AnnotatedMethod<JetStreamListener>>> byConsumer = this.listeners.found()
			.stream()
			.collect(Collectors.groupingBy((found) -> found.annotation().value(), LinkedHashMap::new,
					Collectors.toList()));
		List<String> problems = new ArrayList<>();
		byConsumer.forEach((consumer, found) -> {
			if (!this.properties.getConsumers().containsKey(consumer)) {
				problems.add("@JetStreamListener(\"" + consumer + "\") on " + found.get(0).describe()
						+ " names a consumer that is not configured: add jetway.consumers." + consumer
						+ ".stream (configured: " + this.properties.getConsumers().keySet() + ")");
			}
			if (found.size() > 1) {
				problems.add("Consumer '" + consumer + "' has " + found.size() + " @JetStreamListener methods ("
						+ found.stream().map(AnnotatedMethod::describe).collect(Collectors.joining(", "))
						+ "); keep exactly one");
			}
		});
		this.properties.getConsumers().forEach((consumer, settings) -> {
			if (!byConsumer.containsKey(consumer)) {
				problems.add("jetway.consumers." + consumer + " is configured but no bean has a "
						+ "@JetStreamListener(\"" + consumer + "\") method; add one or remove the configuration");
			}
			if (!StringUtils.hasText(settings.getStream())) {
				problems.add("jetway.consumers." + consumer + ".stream is not set; name the stream to consume");
			}
			if (settings.isInbox() && this.inboxProcessors == null) {
				problems.add("jetway.consumers." + consumer + ".inbox=true needs a DataSource and a transaction "
						+ "manager (the inbox is a table); add spring-boot-starter-jdbc or set inbox=false");
			}
		});
		if (!problems.isEmpty()) {
			throw new JetwayConfigurationException(
					"Jetway listeners and consumers do not match:\n - " + String.join("\n - ", problems), null,
					"Do what each line says: every jetway.consumers.<name> needs exactly one "
							+ "@JetStreamListener(\"<name>\") method and a stream (docs/consumers.md)",
					null);
		}
		byConsumer.forEach((consumer, found) -> this.containers.put(consumer,
				createContainer(consumer, found.get(0), this.properties.getConsumers().get(consumer))));
	}

	private ListenerContainer createContainer(String consumer, AnnotatedMethod<JetStreamListener> found,
			ConsumerProperties settings) {
		ListenerMethod method;
		try {
			method = new ListenerMethod(found.bean(), found.method(), consumer, this.jsonMapper);
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException(ex.getMessage() + " (bean '" + found.beanName() + "', consumer "
					+ "jetway.consumers." + consumer + ")", ex);
		}
		InFlightMessages inFlight = new InFlightMessages();
		HandlerWatchdog watchdog = new HandlerWatchdog(consumer, settings.getHandlerTimeout());
		String stream = this.namespace.streamName(settings.getStream());
		ListenerInvoker invoker = new ListenerInvoker(method, watchdog, stream, this.observationRegistry,
				this.observationConvention);
		DeliveryProcessor processor = new DeadLetterReplayFilter(consumer, settings.isInbox()
				? this.inboxProcessors.create(invoker, settings) : new DirectDeliveryProcessor(invoker));
		ContainerSettings containerSettings = new ContainerSettings(consumer, stream,
				consumerConfiguration(consumer, settings), settings, deadLetterSubject(consumer, settings),
				this.deadLetterPublisher, this.ensurer, this.jetStream, this.observer, this.shutdownTimeout);
		return new ListenerContainer(containerSettings, processor, inFlight, watchdog);
	}

	ConsumerConfiguration consumerConfiguration(String consumer, ConsumerProperties settings) {
		ConsumerConfiguration.Builder builder = ConsumerConfiguration.builder()
			.durable(consumer)
			.ackPolicy(AckPolicy.Explicit)
			.ackWait(settings.getAckWait())
			// unlimited: the container enforces max-deliver, so that a message whose dead
			// letter cannot be stored yet is redelivered instead of dropped by the server
			// (no consumer BackOff list is set: servers up to 2.10 refuse one longer than
			// a limited max deliver)
			.maxDeliver(-1)
			.maxAckPending(settings.getMaxAckPending())
			.deliverPolicy(switch (settings.getDeliverPolicy()) {
				case ALL -> DeliverPolicy.All;
				case NEW -> DeliverPolicy.New;
				case LAST -> DeliverPolicy.Last;
				case BY_START_TIME -> DeliverPolicy.ByStartTime;
			});
		if (settings.getDeliverPolicy() == JetwayConsumersProperties.DeliverPolicy.BY_START_TIME) {
			if (settings.getStartTime() == null) {
				throw new IllegalStateException("jetway.consumers." + consumer + ".deliver-policy=by-start-time "
						+ "needs jetway.consumers." + consumer + ".start-time (an ISO-8601 instant)");
			}
			builder.startTime(settings.getStartTime().atZone(ZoneOffset.UTC));
		}
		if (StringUtils.hasText(settings.getFilterSubject())) {
			builder.filterSubject(this.namespace.subject(settings.getFilterSubject()));
		}
		return builder.build();
	}

	private @Nullable String deadLetterSubject(String consumer, ConsumerProperties settings) {
		if (!settings.isDeadLetter()) {
			return null;
		}
		String subject = StringUtils.hasText(settings.getDeadLetterSubject()) ? settings.getDeadLetterSubject()
				: DEAD_LETTER_SUBJECT_PREFIX + "." + settings.getStream() + "." + consumer;
		return this.namespace.subject(subject);
	}

	/**
	 * @param consumer the consumer name
	 * @return its container, or {@code null}
	 */
	public @Nullable ListenerContainer getContainer(String consumer) {
		return this.containers.get(consumer);
	}

	public Collection<ListenerContainer> getContainers() {
		return this.containers.values();
	}

	@Override
	public void start() {
		for (ListenerContainer container : this.containers.values()) {
			container.start();
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.containers.values().parallelStream().forEach(ListenerContainer::stop);
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
