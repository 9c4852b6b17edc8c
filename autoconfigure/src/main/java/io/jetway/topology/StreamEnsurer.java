package io.jetway.topology;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.jetway.topology.StreamReport.Status;

/**
 * Brings one declared stream in line with its plan: creates it, or adds subjects and
 * changes settings in place, and logs what it skipped and what drifted.
 * <p>
 * Other instances may start at the same moment. A create or update the server rejects
 * because another instance just created the stream or claimed a subject (API errors
 * 10058, 10059, 10065) is retried from a fresh read of the server. Stream updates are
 * last-writer-wins, so an update is also read back after a short random pause: when a
 * concurrent update has dropped the subjects it added, that counts as a rejection too.
 * After {@link #MAX_ATTEMPTS} attempts the pass logs and gives up on the stream; the
 * application still starts.
 */
final class StreamEnsurer {

	/** Attempts per stream: the first and up to four retries after a conflict. */
	static final int MAX_ATTEMPTS = 5;

	private static final Set<Integer> CONFLICTS = Set.of(10058, 10059, 10065);

	private static final Duration PAUSE = Duration.ofMillis(100);

	private static final Log logger = LogFactory.getLog(StreamEnsurer.class);

	private final JetStreamManagement management;

	private final TopologyPlanner planner;

	StreamEnsurer(JetStreamManagement management, TopologyPlanner planner) {
		this.management = management;
		this.planner = planner;
	}

	StreamReport ensure(TargetStream target, StreamSnapshot snapshot) throws InterruptedException {
		String lastConflict = "";
		for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
			StreamPlan plan = this.planner.plan(target, snapshot);
			try {
				StreamReport report = apply(plan, snapshot);
				if (report != null) {
					return report;
				}
				lastConflict = "a concurrent update removed subjects " + plan.added() + " again";
			}
			catch (JetStreamApiException ex) {
				if (!CONFLICTS.contains(ex.getApiErrorCode())) {
					return failed(plan, "the server refused " + plan.action().name().toLowerCase() + " of stream "
							+ target.streamName() + ": " + ex.getMessage());
				}
				lastConflict = ex.getMessage();
			}
			catch (IOException ex) {
				return failed(plan, "could not reach the server to " + plan.action().name().toLowerCase() + " stream "
						+ target.streamName() + ": " + ex);
			}
			logger.debug("Stream " + target.streamName() + " changed concurrently (" + lastConflict
					+ "); reading the streams again");
			pause(attempt);
			if (!refresh(snapshot)) {
				break;
			}
		}
		StreamPlan plan = this.planner.plan(target, snapshot);
		return failed(plan, "gave up after " + MAX_ATTEMPTS + " attempts, other instances kept changing stream "
				+ target.streamName() + " (last: " + lastConflict + ")");
	}

	/**
	 * @return the report, or {@code null} when a concurrent update undid this one
	 */
	private StreamReport apply(StreamPlan plan, StreamSnapshot snapshot)
			throws IOException, JetStreamApiException, InterruptedException {
		String name = plan.target().streamName();
		switch (plan.action()) {
			case NOT_CREATED -> {
				logSkipped(plan);
				logger.warn("Stream " + name + " (" + plan.target().source() + ") was not created: none of its "
						+ "subjects is free");
				return StreamReport.of(plan, Status.NOT_CREATED, null);
			}
			case NONE -> {
				logSkipped(plan);
				logDrift(plan);
				logKeptReplicas(plan);
				return StreamReport.of(plan, Status.PRESENT, null);
			}
			case CREATE -> {
				snapshot.put(this.management.addStream(plan.toCreate()).getConfiguration());
				logSkipped(plan);
				logger.info("Created stream " + name + " with subjects " + plan.subjects());
				return StreamReport.of(this.planner.plan(plan.target(), snapshot), Status.CREATED, null);
			}
			default -> {
				this.management.updateStream(plan.toUpdate());
				if (!plan.added().isEmpty()) {
					pause(1);
				}
				StreamConfiguration updated = this.management.getStreamInfo(name).getConfiguration();
				snapshot.put(updated);
				if (!capturesAll(updated.getSubjects(), plan.added())) {
					return null;
				}
				logSkipped(plan);
				logDrift(plan);
				logKeptReplicas(plan);
				logReplicasChange(plan);
				logger.info("Updated stream " + name + ": " + changes(plan));
				return StreamReport.of(this.planner.plan(plan.target(), snapshot), Status.UPDATED, null);
			}
		}
	}

	private static boolean capturesAll(List<String> subjects, List<String> wanted) {
		return wanted.stream()
			.allMatch((subject) -> subjects.stream().anyMatch((held) -> Subjects.covers(held, subject)));
	}

	private static String changes(StreamPlan plan) {
		StringBuilder changes = new StringBuilder();
		if (!plan.added().isEmpty()) {
			changes.append("added subjects ").append(plan.added());
		}
		plan.differences().stream().filter(SettingDifference::changeableInPlace).forEach((difference) -> {
			changes.append((changes.length() > 0) ? ", " : "");
			changes.append(difference.setting())
				.append(' ')
				.append(difference.current())
				.append(" -> ")
				.append(difference.wanted());
		});
		return changes.toString();
	}

	private StreamReport failed(StreamPlan plan, String failure) {
		logger.error("Stream " + plan.target().streamName() + " (" + plan.target().source() + ") could not be "
				+ "brought in line: " + failure + ". The application starts anyway; publishing to or consuming "
				+ "from its subjects may fail until the stream is fixed");
		return StreamReport.of(plan, Status.FAILED, failure);
	}

	private static void logSkipped(StreamPlan plan) {
		for (SkippedSubject skipped : plan.skipped()) {
			if (skipped.reason() == SkippedSubject.Reason.COVERED) {
				logger.debug("Skipped " + skipped.describe());
			}
			else {
				logger.warn("Skipped " + skipped.describe());
			}
		}
	}

	private static void logDrift(StreamPlan plan) {
		for (SettingDifference drift : plan.drift()) {
			logger.warn("Stream " + plan.target().streamName() + " has drifted: " + drift.describe()
					+ ". Change the property to match, or recreate the stream (deleting its messages) to apply it");
		}
	}

	private void logKeptReplicas(StreamPlan plan) {
		if (plan.keptReplicas() > 0) {
			logger.warn("Stream " + plan.target().streamName() + " has " + plan.keptReplicas()
					+ " replicas on the server, more than " + TargetStream.DEFAULT_REPLICAS_PROPERTY + " ("
					+ this.planner.defaultReplicas() + "); kept. Set jetway.topology.streams."
					+ plan.target().logicalName() + ".replicas to choose its replicas, or raise "
					+ TargetStream.DEFAULT_REPLICAS_PROPERTY);
		}
	}

	private static void logReplicasChange(StreamPlan plan) {
		plan.differences()
			.stream()
			.filter((difference) -> difference.setting().equals("replicas"))
			.forEach((difference) -> logger
				.warn("Stream " + plan.target().streamName() + ": replicas " + difference.current() + " -> "
						+ difference.wanted() + " (" + difference.property().replaceFirst("\\.replicas$", "") + ")"));
	}

	private boolean refresh(StreamSnapshot snapshot) {
		try {
			snapshot.refresh(this.management);
			return true;
		}
		catch (IOException | JetStreamApiException ex) {
			logger.debug("Reading the streams again failed: " + ex);
			return false;
		}
	}

	private static void pause(int attempt) throws InterruptedException {
		long millis = PAUSE.toMillis();
		Thread.sleep(ThreadLocalRandom.current().nextLong(millis / 2, millis * (attempt + 1)));
	}

}
