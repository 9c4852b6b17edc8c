package io.jetway.actuate;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Runs health and endpoint reads on a few threads of their own and waits for them at most
 * {@code jetway.health.timeout}, so that a caller never hangs on a database or NATS
 * server that does not answer. A call still hanging holds its thread; when every thread
 * hangs, further calls fail at once instead of piling up threads.
 */
final class BoundedCalls implements AutoCloseable {

	/**
	 * The most calls running at once by default (the endpoint; the indicator has at least
	 * as many).
	 */
	static final int THREADS = 8;

	private final ThreadPoolExecutor executor;

	private final int threads;

	private final Duration timeout;

	BoundedCalls(Duration timeout) {
		this(timeout, THREADS);
	}

	/**
	 * @param timeout the longest a call is waited for
	 * @param threads the most calls running at once; more fail at once
	 */
	BoundedCalls(Duration timeout, int threads) {
		if (threads < 1) {
			throw new IllegalArgumentException("threads is " + threads + "; at least 1");
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException(
					"jetway.health.timeout is " + timeout + "; set a positive duration (default 2s)");
		}
		this.timeout = timeout;
		this.threads = threads;
		CustomizableThreadFactory factory = new CustomizableThreadFactory("jetway-health-");
		factory.setDaemon(true);
		this.executor = new ThreadPoolExecutor(0, threads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), factory);
	}

	/**
	 * @return the longest a call is waited for ({@code jetway.health.timeout})
	 */
	Duration timeout() {
		return this.timeout;
	}

	/**
	 * @return when calls submitted now must have answered, in {@link System#nanoTime()}
	 */
	long deadline() {
		return System.nanoTime() + this.timeout.toNanos();
	}

	/**
	 * Runs one call and waits for it.
	 * @param what names the call in the error
	 * @param call the call
	 * @return its result
	 * @throws UnreachableException when it failed with a checked exception, took longer
	 * than the timeout, or no thread was free; a runtime exception is thrown as is
	 */
	<T> T call(String what, Callable<T> call) {
		return await(what, submit(call), deadline());
	}

	/**
	 * Starts a call; {@link #await} its result.
	 */
	<T> Future<T> submit(Callable<T> call) {
		try {
			return this.executor.submit(call);
		}
		catch (RejectedExecutionException ex) {
			return CompletableFuture.failedFuture(new UnreachableException(
					this.threads + " earlier calls still wait for an answer from the database or NATS"));
		}
	}

	/**
	 * @param what names the call in the error
	 * @param future a call from {@link #submit}
	 * @param deadline from {@link #deadline()}
	 * @return its result
	 */
	<T> T await(String what, Future<T> future, long deadline) {
		try {
			return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new UnreachableException(what + ": no answer within " + this.timeout + " (jetway.health.timeout)");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			future.cancel(true);
			throw new UnreachableException(what + ": interrupted");
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new UnreachableException(what + ": " + cause);
		}
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	/**
	 * The database or NATS did not answer (in time).
	 */
	static final class UnreachableException extends RuntimeException {

		UnreachableException(String message) {
			super(message);
		}

	}

}
