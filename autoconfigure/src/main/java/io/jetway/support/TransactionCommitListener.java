package io.jetway.support;

import java.io.Serializable;

import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.transaction.ConfigurableTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Tells Jetway that the current transaction has committed while its synchronizations'
 * {@code afterCommit} run (a {@link TransactionSynchronization} registered in the
 * transaction), also in a transaction that published and enqueued nothing before its
 * commit: Spring's {@link TransactionSynchronizationManager} looks the same there as
 * inside the transaction, and its connection is still bound, so work there would land on
 * the committed connection (committed only when Spring releases it, after its messages).
 * {@code @TransactionalEventListener(phase = AFTER_COMMIT)} runs later, in
 * {@code afterCompletion}, where the synchronizations are cleared and no mark is needed.
 * <p>
 * An imperative transaction manager ({@link PlatformTransactionManager}) runs it when it
 * is one of its listeners: Spring Boot adds {@link TransactionExecutionListener} beans to
 * the transaction manager it configures, and Jetway adds it to every other such bean that
 * is a {@link ConfigurableTransactionManager}
 * ({@link TransactionCommitListenerPostProcessor}) and to the transaction managers it
 * creates itself; {@link #addTo(PlatformTransactionManager)} adds it to one that is not a
 * bean. It is {@link Serializable} as the transaction managers that hold it are.
 */
public class TransactionCommitListener implements TransactionExecutionListener, Serializable {

	private static final long serialVersionUID = 1L;

	private static final Object COMMITTED = new Object();

	/**
	 * Adds a {@link TransactionCommitListener} to {@code manager} unless it has one; use
	 * it for a transaction manager that is not a bean.
	 * @param manager a transaction manager
	 * @param <M> its type
	 * @return {@code manager}
	 */
	public static <M extends PlatformTransactionManager> M addTo(M manager) {
		return addTo(manager, new TransactionCommitListener());
	}

	/**
	 * Adds {@code listener} to {@code manager} unless it has a
	 * {@link TransactionCommitListener}.
	 * @param manager a transaction manager
	 * @param listener the listener to add
	 * @param <M> its type
	 * @return {@code manager}
	 */
	public static <M extends PlatformTransactionManager> M addTo(M manager, TransactionCommitListener listener) {
		if (manager instanceof ConfigurableTransactionManager configurable
				&& configurable.getTransactionExecutionListeners()
					.stream()
					.noneMatch(TransactionCommitListener.class::isInstance)) {
			configurable.addListener(listener);
		}
		return manager;
	}

	/**
	 * @return whether the current transaction has committed and runs its
	 * synchronizations' {@code afterCommit}
	 */
	public static boolean isAfterCommit() {
		return TransactionSynchronizationManager.isSynchronizationActive()
				&& TransactionSynchronizationManager.hasResource(COMMITTED);
	}

	@Override
	public void beforeCommit(TransactionExecution transaction) {
		// a savepoint's release (NESTED) is no commit; the commit follows at once, after
		// every synchronization's beforeCommit and beforeCompletion. Only a transaction
		// that runs its own synchronizations' afterCommit and afterCompletion gets the
		// mark: a nested transaction without savepoint (JTA) or one that joins an outer
		// JTA transaction would leave it in the outer's synchronizations, or bound
		if (transaction instanceof DefaultTransactionStatus status && status.isNewTransaction()
				&& status.isNewSynchronization() && TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new CommitMark());
		}
	}

	/**
	 * Marks its transaction as committed before the other synchronizations'
	 * {@code afterCommit} run (not earlier: a JPA flush at the commit still belongs to
	 * the transaction), and follows it through suspension, so that a transaction begun in
	 * an {@code afterCommit} ({@code REQUIRES_NEW}) is not taken for a committed one.
	 * {@link PriorityOrdered}, so it runs before synchronizations that are merely
	 * {@link Ordered#HIGHEST_PRECEDENCE}, registered before it.
	 */
	private static final class CommitMark implements TransactionSynchronization, PriorityOrdered {

		private boolean committed;

		@Override
		public void afterCommit() {
			this.committed = true;
			bind();
		}

		@Override
		public void suspend() {
			if (TransactionSynchronizationManager.getResource(COMMITTED) == this) {
				TransactionSynchronizationManager.unbindResource(COMMITTED);
			}
		}

		@Override
		public void resume() {
			if (this.committed) {
				bind();
			}
		}

		@Override
		public void afterCompletion(int status) {
			suspend();
		}

		private void bind() {
			// a transaction manager given the listener twice marks its commit twice
			if (!TransactionSynchronizationManager.hasResource(COMMITTED)) {
				TransactionSynchronizationManager.bindResource(COMMITTED, this);
			}
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

}
