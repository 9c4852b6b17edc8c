package io.jetway.jobs;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.jetway.jobs.JobDispatchRepository.OldestTransaction;
import io.jetway.jobs.JobDispatchRepository.Progress;
import io.jetway.jobs.JobDispatchRepository.Undispatched;
import io.jetway.jobs.JobMessages.Outcome;
import io.jetway.support.PeriodicTask;
import io.nats.client.Connection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Publishes the messages of jobs that {@link JobDispatcher} did not: the enqueuing
 * instance stopped or crashed right after the commit, or NATS stayed unreachable. One
 * instance at a time (a lease in {@code jetway_job_dispatch}) walks the pending jobs in
 * order of their enqueuing transaction and publishes each again with its
 * {@code Nats-Msg-Id}; the stream drops those it has (within its duplicate window), and a
 * second copy that gets through anyway is acknowledged by the worker without a run
 * ({@link JobRepository#claim}).
 * <p>
 * Exact without a write per job: each round reads PostgreSQL's oldest running transaction
 * id ({@code pg_snapshot_xmin}); every transaction below it has ended, so every job it
 * enqueued is visible or never will be. A range of transactions is checked once, when its
 * bound is older than the recovery delay (by then the dispatcher has normally published
 * its jobs), and never again. A transaction that stays open holds the bound back and
 * delays recovery, never skips it.
 * <p>
 * Every round (on every instance, lease or not) also reads how long the oldest
 * transaction still running in the PostgreSQL cluster has been open: that is how far the
 * recovery is held back ({@link #heldBack()}, the
 * {@code jetway.jobs.dispatch.recovery.held.back} gauge), and past
 * {@code jetway.jobs.dispatch.recovery-held-back-warning} a WARN names the session that
 * holds it.
 */
public class JobDispatchRecovery {

	private static final Log logger = LogFactory.getLog(JobDispatchRecovery.class);

	private final JobDispatchRepository repository;

	private final JobMessages messages;

	private final Connection connection;

	private final Duration delay;

	private final int batchSize;

	private final PeriodicTask task;

	private final Duration heldBackWarning;

	private volatile Duration heldBack = Duration.ZERO;

	/** Used by the recovery thread only: the oldest running transaction last seen. */
	private long heldBackBy = -1;

	private long heldBackSeenAt;

	private boolean heldBackWarned;

	JobDispatchRecovery(JobDispatchRepository repository, JobMessages messages, Connection connection, Duration delay,
			Duration interval, int batchSize, Duration heldBackWarning) {
		this.repository = repository;
		this.messages = messages;
		this.connection = connection;
		this.delay = delay;
		this.batchSize = batchSize;
		this.heldBackWarning = heldBackWarning;
		this.task = new PeriodicTask("jetway-jobs-dispatch-recovery", interval, this::recoverAndWatch);
	}

	/**
	 * @return how long the oldest transaction still running in the PostgreSQL cluster has
	 * been open, as of the last round: the recovery cannot check jobs enqueued since it
	 * began; zero when no transaction runs
	 */
	Duration heldBack() {
		return this.heldBack;
	}

	void start() {
		this.task.start(Duration.ZERO);
	}

	void stop() {
		this.task.stop(Duration.ofSeconds(30));
	}

	private void recoverAndWatch() {
		watchHeldBack();
		recover();
	}

	/**
	 * Reads the oldest running transaction. How long it has been open comes from
	 * pg_stat_activity when this database user may see it, and otherwise from how long
	 * the recovery has seen it as the oldest.
	 */
	void watchHeldBack() {
		OldestTransaction oldest;
		try {
			oldest = this.repository.oldestTransaction();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the oldest running transaction: " + ex);
			return;
		}
		long now = System.nanoTime();
		long by = oldest.running() ? oldest.xid() : -1;
		if (by != this.heldBackBy) {
			if (this.heldBackWarned) {
				logger.info("The job dispatch recovery is no longer held back by transaction " + this.heldBackBy
						+ " (held back for " + this.heldBack.toSeconds() + "s)");
			}
			this.heldBackBy = by;
			this.heldBackSeenAt = now;
			this.heldBackWarned = false;
		}
		if (by == -1) {
			this.heldBack = Duration.ZERO;
			return;
		}
		Duration seen = Duration.ofNanos(now - this.heldBackSeenAt);
		Duration open = oldest.open();
		Duration age = (open != null && open.compareTo(seen) > 0) ? open : seen;
		this.heldBack = age;
		if (!this.heldBackWarned && age.compareTo(this.heldBackWarning) >= 0) {
			this.heldBackWarned = true;
			logger.warn("The job dispatch recovery is held back: transaction " + by + " has been open for "
					+ age.toSeconds() + "s ("
					+ ((oldest.session() != null) ? oldest.session()
							: "its session is not visible to this database user: another role's session, or "
									+ "look as a superuser")
					+ "). Jobs enqueued since it began whose message never reached NATS (their instance stopped "
					+ "right after the commit) wait until it ends; new jobs are not delayed. End that transaction "
					+ "(or its session), and consider PostgreSQL's idle_in_transaction_session_timeout. "
					+ "(jetway.jobs.dispatch.recovery-held-back-warning is " + this.heldBackWarning + ")");
		}
	}

	/**
	 * One round: takes the lease and, if the next range is old enough, publishes its
	 * pending jobs and moves on.
	 * @return how many jobs' messages were not in the stream (recovered)
	 */
	int recover() {
		if (this.connection.getStatus() != Connection.Status.CONNECTED) {
			return 0;
		}
		Progress progress = this.repository.lease(this.delay.plusSeconds(60), this.delay);
		if (progress == null) {
			return 0;
		}
		if (!progress.due()) {
			this.repository.release(progress);
			return 0;
		}
		long xid = progress.checkedBelow();
		UUID after = JobDispatchRepository.firstId();
		int recovered = 0;
		List<Undispatched> page;
		do {
			page = this.repository.pending(xid, after, progress.nextBelow(), this.batchSize);
			if (page.isEmpty()) {
				break;
			}
			List<Outcome> outcomes = this.messages.publish(page.stream().map(Undispatched::job).toList());
			if (outcomes.contains(Outcome.FAILED)) {
				this.repository.release(progress);
				logger.warn("The job dispatch recovery could not publish "
						+ outcomes.stream().filter(Outcome.FAILED::equals).count()
						+ " job messages (no PubAck); it tries again in its next round");
				return recovered;
			}
			recovered += (int) outcomes.stream().filter(Outcome.PUBLISHED::equals).count();
			Undispatched last = page.get(page.size() - 1);
			xid = last.xid();
			after = last.job().id();
		}
		while (page.size() == this.batchSize);
		this.repository.advance(progress.checkedBelow(), progress.nextBelow());
		if (recovered > 0) {
			logger.info("The job dispatch recovery published " + recovered + " job messages that were not in the "
					+ "stream (their enqueuing instance stopped before publishing them, or NATS was unreachable)");
		}
		return recovered;
	}

}
