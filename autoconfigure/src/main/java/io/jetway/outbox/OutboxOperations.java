package io.jetway.outbox;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * What operators do with the outbox: look at rows, and republish failed ones.
 */
public class OutboxOperations {

	private final OutboxRepository repository;

	private final OutboxRelay relay;

	private final Clock clock;

	public OutboxOperations(OutboxRepository repository, OutboxRelay relay, Clock clock) {
		this.repository = repository;
		this.relay = relay;
		this.clock = clock;
	}

	/**
	 * @param status the state to list
	 * @param limit the most rows to return
	 * @return rows in that state, oldest first
	 */
	public List<OutboxEntry> list(OutboxStatus status, int limit) {
		return this.repository.findByStatus(status, limit);
	}

	public @Nullable OutboxEntry find(UUID id) {
		return this.repository.findById(id);
	}

	/**
	 * Makes a failed row pending again, with its attempts reset; the relay publishes it
	 * with its original id.
	 * @param id the row id
	 * @return whether a failed row with that id existed
	 */
	public boolean republish(UUID id) {
		boolean changed = this.repository.republishFailed(id, this.clock.instant()) > 0;
		this.relay.wakeUp();
		return changed;
	}

	/**
	 * Makes every failed row pending again.
	 * @return the number of rows
	 */
	public int republishAllFailed() {
		int changed = this.repository.republishFailed(null, this.clock.instant());
		this.relay.wakeUp();
		return changed;
	}

	/**
	 * @return how many rows wait to be published
	 */
	public long pendingCount() {
		return this.repository.pendingStatistics().count();
	}

}
