package io.jetway.support;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What one transaction collects in memory (outbox rows, job rows) to write on its own
 * connection just before it commits and to hand over after it committed. It follows its
 * transaction the way Spring's own resources do:
 * <ul>
 * <li>it is unbound while its transaction is suspended ({@code REQUIRES_NEW},
 * {@code NOT_SUPPORTED}) and bound again on resume, so an inner transaction collects into
 * a buffer of its own, which commits or rolls back with the inner transaction;</li>
 * <li>a rollback to a savepoint ({@code NESTED}, or
 * {@link org.springframework.transaction.TransactionStatus#rollbackToSavepoint}) drops
 * what was added after that savepoint, including what was already written after it;</li>
 * <li>what is added after the commit (from another synchronization's {@code afterCommit})
 * is written in a transaction of its own at once, never lost and never written on the
 * committed connection (see {@link #isAfterCommit()} for how the commit is known). That
 * transaction also writes what the other buffers of the committed transaction (on the
 * same DataSource) hold unwritten, so that what was added together (a job's row and its
 * message) commits together: written apart, the message could be relayed and dropped by a
 * worker before the row is visible.</li>
 * </ul>
 *
 * @param <T> what is collected
 */
public abstract class TransactionBuffer<T> implements TransactionSynchronization {

	private static final Log logger = LogFactory.getLog(TransactionBuffer.class);

	private final Object key;

	private final List<T> items = new ArrayList<>();

	/** Items [0, written) are in the transaction's tables (or committed on their own). */
	private int written;

	/** Items [0, handedOver) were handed over after the commit. */
	private int handedOver;

	private final List<Mark> savepoints = new ArrayList<>();

	private boolean beforeCommitDone;

	private boolean committed;

	protected TransactionBuffer(Object key) {
		this.key = key;
	}

	/**
	 * The buffer of the current transaction, created, bound to {@code key} and registered
	 * on first use.
	 * @param key the resource key of this kind of buffer
	 * @param create makes a new buffer for {@code key}
	 * @param <B> the buffer type
	 * @return the buffer, or {@code null} without transaction synchronization
	 */
	@SuppressWarnings("unchecked")
	public static <B extends TransactionBuffer<?>> @Nullable B current(Object key, Supplier<B> create) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return null;
		}
		B buffer = (B) TransactionSynchronizationManager.getResource(key);
		if (buffer == null) {
			boolean afterCommit = isAfterCommit();
			buffer = create.get();
			// created in an afterCommit of a transaction another buffer saw commit: its
			// items are written at once, as that buffer's are
			((TransactionBuffer<?>) buffer).committed = afterCommit;
			((TransactionBuffer<?>) buffer).register();
		}
		return buffer;
	}

	private void register() {
		TransactionSynchronizationManager.bindResource(this.key, this);
		TransactionSynchronizationManager.registerSynchronization(this);
		TransactionSynchronizationManager.registerSynchronization(new CommitWatch());
	}

	/**
	 * Writes the items in the current transaction, on its connection.
	 */
	protected abstract void write(List<T> items);

	/**
	 * @return how items added after their transaction committed are written in a
	 * transaction of their own
	 */
	protected abstract SeparateTransactions separateTransactions();

	/**
	 * Hands over items that are committed.
	 */
	protected abstract void committed(List<T> items);

	/**
	 * Adds an item, which is written before the commit. An item added after the commit is
	 * written in a transaction of its own at once.
	 */
	protected void add(T item) {
		this.items.add(item);
		if (this.committed) {
			writeLate();
		}
		else if (this.beforeCommitDone) {
			// added during another synchronization's beforeCommit, or a JPA flush at
			// commit, after this buffer was written: still inside the transaction
			writePending();
		}
	}

	/**
	 * Adds an item that the caller wrote in the transaction itself.
	 */
	protected void addWritten(T item) {
		// keeps the written items a prefix
		writePending();
		this.items.add(item);
		this.written = this.items.size();
		if (this.committed) {
			handOver();
		}
	}

	/**
	 * Writes what is not written yet, in the transaction.
	 */
	protected void writePending() {
		if (this.written < this.items.size()) {
			List<T> pending = List.copyOf(this.items.subList(this.written, this.items.size()));
			write(pending);
			this.written = this.items.size();
		}
	}

	/**
	 * Whether the current transaction has committed and runs its synchronizations'
	 * {@code afterCommit}: work then belongs in a transaction of its own. Known from the
	 * {@link TransactionCommitListener} of its transaction manager, or from a buffer that
	 * saw the commit. A transaction whose manager lacks the listener and whose first
	 * buffer was created after its commit is not known here; its buffers are written at
	 * its completion.
	 * @return whether the current transaction has committed
	 */
	public static boolean isAfterCommit() {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return false;
		}
		if (TransactionCommitListener.isAfterCommit()) {
			return true;
		}
		for (Object resource : TransactionSynchronizationManager.getResourceMap().values()) {
			if (resource instanceof TransactionBuffer<?> buffer && buffer.committed) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Writes what this buffer and the other buffers of its committed transaction on the
	 * same DataSource hold unwritten, in one transaction of their own, then hands it
	 * over; on failure, the unwritten items are dropped and the exception thrown.
	 */
	private void writeLate() {
		List<TransactionBuffer<?>> group = new ArrayList<>();
		group.add(this);
		for (Object resource : TransactionSynchronizationManager.getResourceMap().values()) {
			if (resource instanceof TransactionBuffer<?> other && other != this && other.hasUnwritten()
					&& other.separateTransactions().sameDataSource(separateTransactions())) {
				group.add(other);
			}
		}
		List<Integer> ends = group.stream().map((buffer) -> buffer.items.size()).toList();
		try {
			separateTransactions().run(() -> {
				for (int i = 0; i < group.size(); i++) {
					group.get(i).writeUpTo(ends.get(i));
				}
			});
		}
		catch (RuntimeException ex) {
			for (int i = 0; i < group.size(); i++) {
				group.get(i).dropUnwrittenUpTo(ends.get(i));
			}
			throw ex;
		}
		for (int i = 0; i < group.size(); i++) {
			group.get(i).written = ends.get(i);
		}
		group.forEach(TransactionBuffer::handOver);
	}

	private boolean hasUnwritten() {
		return this.written < this.items.size();
	}

	private void writeUpTo(int end) {
		if (this.written < end) {
			write(List.copyOf(this.items.subList(this.written, end)));
		}
	}

	private void dropUnwrittenUpTo(int end) {
		this.items.subList(this.written, end).clear();
	}

	private void handOver() {
		if (this.handedOver < this.written) {
			committed(List.copyOf(this.items.subList(this.handedOver, this.written)));
			this.handedOver = this.written;
		}
	}

	@Override
	public void suspend() {
		TransactionSynchronizationManager.unbindResourceIfPossible(this.key);
	}

	@Override
	public void resume() {
		TransactionSynchronizationManager.bindResource(this.key, this);
	}

	@Override
	public void flush() {
		writePending();
	}

	@Override
	public void savepoint(Object savepoint) {
		this.savepoints.add(new Mark(savepoint, this.items.size(), this.written));
	}

	@Override
	public void savepointRollback(Object savepoint) {
		int index = indexOf(savepoint);
		// a savepoint this buffer never saw was created before it: everything goes
		Mark mark = (index >= 0) ? this.savepoints.get(index) : new Mark(savepoint, 0, 0);
		this.savepoints.subList(index + 1, this.savepoints.size()).clear();
		this.items.subList(mark.size(), this.items.size()).clear();
		// what was written after the savepoint is rolled back with it
		this.written = Math.min(this.written, mark.written());
	}

	private int indexOf(Object savepoint) {
		for (int i = 0; i < this.savepoints.size(); i++) {
			if (this.savepoints.get(i).savepoint() == savepoint) {
				return i;
			}
		}
		return -1;
	}

	@Override
	public void beforeCommit(boolean readOnly) {
		writePending();
		this.beforeCommitDone = true;
	}

	@Override
	public void afterCommit() {
		this.committed = true;
		handOver();
	}

	@Override
	public void afterCompletion(int status) {
		if (TransactionSynchronizationManager.getResource(this.key) == this) {
			TransactionSynchronizationManager.unbindResource(this.key);
		}
		if (status != STATUS_COMMITTED) {
			return;
		}
		if (this.written < this.items.size()) {
			// added after the commit, into a buffer created after the commit (by a
			// synchronization's afterCommit): it never saw the commit
			try {
				writeLate();
			}
			catch (RuntimeException ex) {
				logger.error("Could not write what was published or enqueued after its transaction committed "
						+ "(from a synchronization's afterCommit); it is lost: " + ex, ex);
			}
		}
		else {
			handOver();
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	private record Mark(Object savepoint, int size, int written) {
	}

	/**
	 * Learns of the commit before any other synchronization's {@code afterCommit} runs,
	 * so that what they add is written in a transaction of its own rather than on the
	 * committed connection.
	 */
	private final class CommitWatch implements TransactionSynchronization {

		@Override
		public void afterCommit() {
			TransactionBuffer.this.committed = true;
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

}
