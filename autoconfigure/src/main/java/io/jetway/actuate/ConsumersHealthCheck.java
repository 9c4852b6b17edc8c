package io.jetway.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jetway.actuate.JetStreamReads.ConsumerFigures;
import io.jetway.actuate.JetwayHealthProperties.Consumers;
import io.jetway.consumer.JetStreamListenerRegistry;

/**
 * Per listener consumer: degraded when its lag, its unacknowledged messages or its
 * redeliveries pass their threshold, when it reaches its own max-ack-pending (it gets
 * nothing new: stalled) or when the server does not know it; down when the server does
 * not answer.
 */
class ConsumersHealthCheck implements JetwayHealthCheck {

	private final JetStreamReads reads;

	private final JetStreamListenerRegistry registry;

	private final Consumers thresholds;

	ConsumersHealthCheck(JetStreamReads reads, JetStreamListenerRegistry registry, Consumers thresholds) {
		this.reads = reads;
		this.registry = registry;
		this.thresholds = thresholds;
	}

	@Override
	public String name() {
		return "consumers";
	}

	@Override
	public Result check() throws Exception {
		Result.Builder result = Result.builder();
		for (ConsumerFigures consumer : this.reads.consumers(this.registry)) {
			List<String> problems = problems(consumer);
			result.degradedIf(!problems.isEmpty());
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("stream", consumer.stream());
			details.put("lag", consumer.lag());
			details.put("ackPending", consumer.ackPending());
			details.put("redelivered", consumer.redelivered());
			details.put("paused", consumer.paused());
			details.put("problems", problems);
			result.detail(consumer.name(), details);
		}
		return result.build();
	}

	private List<String> problems(ConsumerFigures consumer) {
		List<String> problems = new ArrayList<>();
		if (consumer.error() != null) {
			problems.add("the server could not report the consumer: " + consumer.error());
			return problems;
		}
		if (consumer.lag() > this.thresholds.getMaxLag()) {
			problems.add("lag " + consumer.lag() + " is above jetway.health.consumers.max-lag ("
					+ this.thresholds.getMaxLag() + ")" + (consumer.paused() ? "; the listener is paused" : ""));
		}
		if (consumer.ackPending() > this.thresholds.getMaxAckPending()) {
			problems.add("ack pending " + consumer.ackPending() + " is above jetway.health.consumers.max-ack-pending ("
					+ this.thresholds.getMaxAckPending() + ")");
		}
		else if (consumer.maxAckPending() > 0 && consumer.ackPending() >= consumer.maxAckPending()) {
			problems.add("stalled: ack pending reached the consumer's max-ack-pending (" + consumer.maxAckPending()
					+ "), it gets no new message until handlers finish");
		}
		if (consumer.redelivered() > this.thresholds.getMaxRedelivered()) {
			problems.add("redelivered " + consumer.redelivered() + " is above "
					+ "jetway.health.consumers.max-redelivered (" + this.thresholds.getMaxRedelivered() + ")");
		}
		return problems;
	}

}
