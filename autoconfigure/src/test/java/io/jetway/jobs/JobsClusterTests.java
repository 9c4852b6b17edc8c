package io.jetway.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.jetway.consumer.JetStreamListenerRegistry;
import io.jetway.test.jdbc.TestDatabase;
import io.jetway.test.jdbc.TestDatabaseInstance;
import io.jetway.test.jdbc.TestDatabasesExtension;
import io.jetway.test.nats.NatsClusterProcess;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jetway's own streams (jobs, dead letters) and their consumers on a three-node JetStream
 * cluster: replicated as configured, never scaled down, and jobs survive the loss of the
 * node leading the jobs stream.
 */
@ExtendWith(OutputCaptureExtension.class)
class JobsClusterTests {

	private static final Duration ELECTION = Duration.ofSeconds(30);

	@RegisterExtension
	static final TestDatabasesExtension databases = new TestDatabasesExtension();

	private static NatsClusterProcess cluster;

	@BeforeAll
	static void startCluster() {
		cluster = NatsClusterProcess.start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	private TestDatabaseInstance database;

	@BeforeEach
	void reset() throws Exception {
		cluster.awaitReady(ELECTION);
		this.database = databases.get(TestDatabase.H2);
		JobsTests.reset(this.database, cluster.url());
		CountingHandler.reset();
	}

	private ApplicationContextRunner runner() {
		return JobsTests.contextRunner(this.database, cluster.url()).withBean(CountingHandler.class);
	}

	@Test
	void jobsAndDeadLetterStreamsAndTheirConsumersTakeTheDefaultReplicas() {
		runner().withPropertyValues("jetway.topology.default-replicas=3").run((context) -> {
			assertThat(context).hasNotFailed();
			try (Connection connection = Nats.connect(cluster.url())) {
				JetStreamManagement management = connection.jetStreamManagement();
				assertThat(replicas(management, "JOBS")).isEqualTo(3);
				assertThat(replicas(management, JetStreamListenerRegistry.DEAD_LETTER_STREAM)).isEqualTo(3);
				// a replicated consumer lists its two followers
				assertThat(management.getConsumerInfo("JOBS", JobWorker.consumerName("default"))
					.getClusterInfo()
					.getReplicas()).hasSize(2);
			}
		});
	}

	@Test
	void streamsCreatedByHandAtThreeReplicasAreNotScaledDown(CapturedOutput output) throws Exception {
		try (Connection connection = Nats.connect(cluster.url())) {
			JetStreamManagement management = connection.jetStreamManagement();
			management.addStream(StreamConfiguration.builder()
				.name("JOBS")
				.subjects(DefaultJobClient.QUEUE_SUBJECT_PREFIX + ">")
				.retentionPolicy(RetentionPolicy.WorkQueue)
				.replicas(3)
				.build());
			management.addStream(StreamConfiguration.builder()
				.name(JetStreamListenerRegistry.DEAD_LETTER_STREAM)
				.subjects(JetStreamListenerRegistry.DEAD_LETTER_SUBJECT_PREFIX + ".>")
				.replicas(3)
				.build());
			runner().run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(replicas(management, "JOBS")).isEqualTo(3);
				assertThat(replicas(management, JetStreamListenerRegistry.DEAD_LETTER_STREAM)).isEqualTo(3);
				assertThat(output).contains("WARN")
					.contains(
							"Stream JOBS has 3 replicas on the server, more than jetway.topology.default-replicas (1)")
					.doesNotContain("replicas 3 -> 1");
			});
		}
	}

	@Test
	void jobsStreamReplicasCanBeDeclaredUnderTopologyStreams(CapturedOutput output) {
		runner().run((context) -> assertThat(context).hasNotFailed());
		runner().withPropertyValues("jetway.topology.streams.JOBS.replicas=3").run((context) -> {
			assertThat(context).hasNotFailed();
			try (Connection connection = Nats.connect(cluster.url())) {
				JetStreamManagement management = connection.jetStreamManagement();
				assertThat(replicas(management, "JOBS")).isEqualTo(3);
				// the consumer created at R1 follows its stream to R3
				await().atMost(ELECTION).untilAsserted(() -> {
					// nats-server 2.15 leaves the cluster info out while the consumer
					// scales
					ClusterInfo clusterInfo = management.getConsumerInfo("JOBS", JobWorker.consumerName("default"))
						.getClusterInfo();
					assertThat(clusterInfo).isNotNull();
					assertThat(clusterInfo.getReplicas()).hasSize(2);
				});
				assertThat(management.getStreamInfo("JOBS").getConfiguration().getRetentionPolicy())
					.isEqualTo(RetentionPolicy.WorkQueue);
				assertThat(replicas(management, JetStreamListenerRegistry.DEAD_LETTER_STREAM)).isEqualTo(1);
			}
		});
		// the declared value is followed both ways, with a WARN
		runner().withPropertyValues("jetway.topology.streams.JOBS.replicas=1").run((context) -> {
			assertThat(context).hasNotFailed();
			try (Connection connection = Nats.connect(cluster.url())) {
				assertThat(replicas(connection.jetStreamManagement(), "JOBS")).isEqualTo(1);
			}
			assertThat(output)
				.containsPattern("WARN .*Stream JOBS: replicas 3 -> 1 \\(jetway.topology.streams.JOBS\\)");
		});
	}

	@Test
	void jobsResumeWithinSecondsWhenTheNodeLeadingTheJobsStreamIsKilled() {
		runner().withPropertyValues("jetway.topology.default-replicas=3").run((context) -> {
			assertThat(context).hasNotFailed();
			JobClient jobs = context.getBean(JobClient.class);
			int leader = cluster.awaitStreamLeader("JOBS", ELECTION);
			List<UUID> ids = new ArrayList<>();
			AtomicInteger sequence = new AtomicInteger();
			ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
			try {
				producer.scheduleAtFixedRate(() -> {
					int n = sequence.incrementAndGet();
					if (n <= 400) {
						UUID id = jobs.enqueue("cluster-count", "job-" + n);
						synchronized (ids) {
							ids.add(id);
						}
					}
				}, 0, 20, TimeUnit.MILLISECONDS);
				await().atMost(Duration.ofSeconds(20)).until(() -> CountingHandler.handled.size() >= 100);
				long killedAt = System.nanoTime();
				cluster.kill(leader);
				// nats-server's part: the followers wait a random 4-9 s without
				// heartbeats
				// before they elect a new leader (its raft election timeout)
				await().atMost(ELECTION)
					.pollInterval(Duration.ofMillis(50))
					.until(() -> cluster.streamLeader("JOBS").filter((index) -> index != leader).isPresent());
				long newLeaderAt = System.nanoTime();
				await().atMost(Duration.ofSeconds(60)).until(() -> sequence.get() >= 400);
				await().atMost(Duration.ofSeconds(60)).until(() -> CountingHandler.handled.size() == 400);
				long pauseMillis = CountingHandler.longestPauseAfter(killedAt);
				long jetwayMillis = CountingHandler.firstHandledAfter(newLeaderAt);
				System.out.println("JobsClusterTests: JOBS leader " + NatsClusterProcess.nodeName(leader)
						+ " killed -9 at " + Instant.now().minusNanos(System.nanoTime() - killedAt)
						+ "; new stream leader after " + TimeUnit.NANOSECONDS.toMillis(newLeaderAt - killedAt)
						+ " ms; next job handled " + jetwayMillis + " ms later; longest pause between two"
						+ " handled jobs: " + pauseMillis + " ms");
				// Jetway's part: from the new leader to the next handled job (relay
				// retry,
				// next fetch)
				assertThat(jetwayMillis).isLessThan(5_000);
				// no worker died, so no job ran twice
				assertThat(CountingHandler.handled).hasSize(400);
				assertThat(CountingHandler.handled)
					.allSatisfy((name, count) -> assertThat(count.get()).as("runs of %s", name).isEqualTo(1));
				synchronized (ids) {
					await().atMost(Duration.ofSeconds(30))
						.until(() -> ids.stream()
							.allMatch(
									(id) -> jobs.status(id).map(JobStatus::status).orElse(null) == JobState.COMPLETED));
				}
			}
			finally {
				producer.shutdownNow();
				cluster.restart(leader);
			}
		});
	}

	private static int replicas(JetStreamManagement management, String stream) throws Exception {
		return management.getStreamInfo(stream).getConfiguration().getReplicas();
	}

	static class CountingHandler {

		static final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

		static final List<Long> handledAt = new ArrayList<>();

		static void reset() {
			handled.clear();
			synchronized (handledAt) {
				handledAt.clear();
			}
		}

		static long longestPauseAfter(long since) {
			synchronized (handledAt) {
				long previous = since;
				long longest = 0;
				for (long at : handledAt) {
					if (at >= since) {
						longest = Math.max(longest, at - previous);
						previous = at;
					}
				}
				return TimeUnit.NANOSECONDS.toMillis(longest);
			}
		}

		/**
		 * Milliseconds from {@code since} to the first job handled at or after it, 0 when
		 * none was (every job was handled before).
		 */
		static long firstHandledAfter(long since) {
			synchronized (handledAt) {
				for (long at : handledAt) {
					if (at >= since) {
						return TimeUnit.NANOSECONDS.toMillis(at - since);
					}
				}
				return 0;
			}
		}

		@JobHandler(type = "cluster-count")
		void count(String name) {
			handled.computeIfAbsent(name, (key) -> new AtomicInteger()).incrementAndGet();
			synchronized (handledAt) {
				handledAt.add(System.nanoTime());
			}
		}

	}

}
