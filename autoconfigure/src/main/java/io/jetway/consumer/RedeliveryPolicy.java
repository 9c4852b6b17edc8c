package io.jetway.consumer;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Decides what happens to a message whose handler failed: redelivery after the backoff
 * for its delivery count, or the dead-letter subject.
 */
class RedeliveryPolicy {

	private final List<Duration> backoff;

	private final int maxDeliver;

	private final List<Class<? extends Throwable>> nonRetryable;

	RedeliveryPolicy(List<Duration> backoff, int maxDeliver, List<Class<? extends Throwable>> nonRetryable) {
		this.backoff = List.copyOf(backoff);
		this.maxDeliver = maxDeliver;
		this.nonRetryable = List.copyOf(nonRetryable);
	}

	/**
	 * @return the delay before the next delivery, or {@code null} when the message must
	 * be dead-lettered now
	 */
	@Nullable Duration redeliveryDelay(long deliveryCount, Throwable failure) {
		if (isNonRetryable(failure) || (this.maxDeliver > 0 && deliveryCount >= this.maxDeliver)) {
			return null;
		}
		return backoff(deliveryCount);
	}

	/**
	 * @return the backoff after a failed delivery, whatever max-deliver says (the last
	 * entry repeats)
	 */
	Duration backoff(long deliveryCount) {
		if (this.backoff.isEmpty()) {
			return Duration.ZERO;
		}
		int index = (int) Math.min(Math.max(deliveryCount - 1, 0), this.backoff.size() - 1);
		return this.backoff.get(index);
	}

	boolean isNonRetryable(Throwable failure) {
		if (failure instanceof NonRetryableException) {
			return true;
		}
		return this.nonRetryable.stream().anyMatch((type) -> type.isInstance(failure));
	}

}
