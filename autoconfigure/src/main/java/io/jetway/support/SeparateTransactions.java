package io.jetway.support;

import java.util.function.Supplier;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs work in a transaction of its own on a DataSource, on a connection of its own, even
 * while another transaction's connection is still bound to the thread (in that
 * transaction's {@code afterCommit} or {@code afterCompletion}, where Spring has not
 * released it yet and where work would otherwise land on the committed connection).
 */
public final class SeparateTransactions {

	private final DataSource dataSource;

	private final TransactionTemplate transactions;

	public SeparateTransactions(DataSource dataSource) {
		this.dataSource = dataSource;
		// what their afterCommit callbacks (job events, observers) do is after the commit
		this.transactions = new TransactionTemplate(
				TransactionCommitListener.addTo(new DataSourceTransactionManager(dataSource)));
		this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/**
	 * @param transactions a template over a {@link DataSourceTransactionManager}
	 * @return separate transactions on that manager's DataSource
	 */
	public static SeparateTransactions of(TransactionTemplate transactions) {
		if (transactions.getTransactionManager() instanceof DataSourceTransactionManager manager
				&& manager.getDataSource() != null) {
			return new SeparateTransactions(manager.getDataSource());
		}
		throw new IllegalArgumentException("Expected a TransactionTemplate over a DataSourceTransactionManager, got "
				+ transactions.getTransactionManager());
	}

	/**
	 * @param other other separate transactions
	 * @return whether {@code other} writes to the same DataSource, so that one
	 * transaction can do the work of both
	 */
	public boolean sameDataSource(SeparateTransactions other) {
		return this.dataSource == other.dataSource;
	}

	public void run(Runnable work) {
		call(() -> {
			work.run();
			return null;
		});
	}

	/**
	 * @param work what to do in the transaction
	 * @param <T> the result's type
	 * @return what {@code work} returned
	 */
	public <T> T call(Supplier<T> work) {
		// whichever transaction manager bound it (JDBC or JPA), the finished
		// transaction's connection must not be joined
		Object bound = TransactionSynchronizationManager.unbindResourceIfPossible(this.dataSource);
		try {
			return this.transactions.execute((status) -> work.get());
		}
		finally {
			if (bound != null) {
				TransactionSynchronizationManager.bindResource(this.dataSource, bound);
			}
		}
	}

}
