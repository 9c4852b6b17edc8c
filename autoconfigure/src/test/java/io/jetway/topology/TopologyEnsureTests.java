package io.jetway.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.nats.client.Dispatcher;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.jetway.test.nats.NatsServerExtension;
import io.jetway.topology.StreamReport.Status;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class TopologyEnsureTests {

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	private ServerStreams server;

	private ApplicationContextRunner runner;

	@BeforeEach
	void connect() throws Exception {
		this.server = ServerStreams.connect(nats);
		this.runner = ServerStreams.runner(nats);
	}

	@AfterEach
	void cleanUp() throws Exception {
		this.server.close();
	}

	@Test
	void createsDeclaredStreamWithAllSettings() {
		this.runner.withPropertyValues("jetway.topology.streams.ORDERS.subjects=orders.>",
				"jetway.topology.streams.ORDERS.storage=memory", "jetway.topology.streams.ORDERS.max-age=7d",
				"jetway.topology.streams.ORDERS.max-bytes=100MB", "jetway.topology.streams.ORDERS.max-msgs=-1",
				"jetway.topology.streams.ORDERS.max-msg-size=1MB", "jetway.topology.streams.ORDERS.duplicate-window=2m",
				"jetway.topology.streams.ORDERS.discard=new", "jetway.topology.streams.ORDERS.retention=work-queue",
				"jetway.topology.streams.ORDERS.description=Order lifecycle events")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StreamConfiguration orders = this.server.stream("ORDERS");
				assertThat(orders.getSubjects()).containsExactly("orders.>");
				assertThat(orders.getStorageType()).isEqualTo(StorageType.Memory);
				assertThat(orders.getMaxAge()).isEqualTo(Duration.ofDays(7));
				assertThat(orders.getMaxBytes()).isEqualTo(100L << 20);
				assertThat(orders.getMaxMsgSize()).isEqualTo(1L << 20);
				assertThat(orders.getDescription()).isEqualTo("Order lifecycle events");
				assertThat(orders.getRetentionPolicy().name()).isEqualTo("WorkQueue");
				assertThat(orders.getDiscardPolicy().name()).isEqualTo("New");
				assertThat(context.getBean(StreamTopology.class).report().isConsistent()).isTrue();
			});
	}

	@Test
	void subjectOwnedByForeignStreamIsSkippedWithWarning(CapturedOutput output) throws Exception {
		this.server.create("FOREIGN", "orders.>");
		this.runner.withPropertyValues("jetway.topology.streams.ORDERS.subjects=orders.created,payments.>")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(this.server.stream("ORDERS").getSubjects()).containsExactly("payments.>");
				assertThat(this.server.stream("FOREIGN").getSubjects()).containsExactly("orders.>");
				assertThat(output).containsOnlyOnce("WARN")
					.contains("subject 'orders.created' (jetway.topology.streams.ORDERS.subjects[0]) overlaps "
							+ "'orders.>' owned by another stream FOREIGN");
				TopologyReport report = context.getBean(StreamTopology.class).report();
				assertThat(report.stream("ORDERS")).get()
					.extracting(StreamReport::missingSubjects)
					.isEqualTo(List.of("orders.created"));
			});
	}

	@Test
	void streamWithNoFreeSubjectIsNotCreated(CapturedOutput output) throws Exception {
		this.server.create("FOREIGN", "orders.>");
		this.runner.withPropertyValues("jetway.topology.streams.ORDERS.subjects=orders.created").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(this.server.exists("ORDERS")).isFalse();
			assertThat(output).contains("Stream ORDERS (jetway.topology.streams.ORDERS) was not created");
		});
	}

	@Test
	void subjectCoveredByTheStreamSendsNoUpdate() throws Exception {
		this.server.create("ORDERS", "orders.*");
		List<String> requests = new ArrayList<>();
		Dispatcher dispatcher = this.server.connection()
			.createDispatcher((message) -> requests.add(message.getSubject()));
		dispatcher.subscribe("$JS.API.STREAM.CREATE.>");
		dispatcher.subscribe("$JS.API.STREAM.UPDATE.>");
		this.server.connection().flush(Duration.ofSeconds(5));
		this.runner.withPropertyValues("jetway.topology.streams.ORDERS.subjects=orders.created").run((context) -> {
			assertThat(context).hasNotFailed();
			this.server.connection().flush(Duration.ofSeconds(5));
			assertThat(requests).isEmpty();
			assertThat(this.server.stream("ORDERS").getSubjects()).containsExactly("orders.*");
		});
		this.server.connection().closeDispatcher(dispatcher);
	}

	@Test
	void ownOverlappingSubjectsAreNeverSentTogether(CapturedOutput output) {
		this.runner.withPropertyValues("jetway.topology.streams.ORDERS.subjects=orders.created,orders.>")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(this.server.stream("ORDERS").getSubjects()).containsExactly("orders.>");
				assertThat(output).contains("subject 'orders.created' (jetway.topology.streams.ORDERS.subjects[0]) "
						+ "is covered by the declared subject 'orders.>'");
			});
	}

	@Test
	void missingSubjectsAreAddedAndWiderSubjectReplacesNarrowerWithoutLosingData() throws Exception {
		this.server.create("ORDERS", "orders.created");
		this.server.connection().jetStream().publish("orders.created", "kept".getBytes());
		this.runner.withPropertyValues("jetway.topology.streams.ORDERS.subjects=orders.>,refunds.*").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(this.server.stream("ORDERS").getSubjects()).containsExactly("orders.>", "refunds.*");
			assertThat(this.server.management().getStreamInfo("ORDERS").getStreamState().getMsgCount()).isOne();
		});
	}

	@Test
	void changedMaxAgeIsAppliedInPlace() throws Exception {
		this.server.create(
				StreamConfiguration.builder().name("ORDERS").subjects("orders.>").maxAge(Duration.ofHours(1)).build());
		this.server.connection().jetStream().publish("orders.created", "kept".getBytes());
		this.runner
			.withPropertyValues("jetway.topology.streams.ORDERS.subjects=orders.>",
					"jetway.topology.streams.ORDERS.max-age=7d", "jetway.topology.streams.ORDERS.description=Orders")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StreamConfiguration orders = this.server.stream("ORDERS");
				assertThat(orders.getMaxAge()).isEqualTo(Duration.ofDays(7));
				assertThat(orders.getDescription()).isEqualTo("Orders");
				assertThat(this.server.management().getStreamInfo("ORDERS").getStreamState().getMsgCount()).isOne();
				assertThat(context.getBean(StreamTopology.class).report().isConsistent()).isTrue();
			});
	}

	@Test
	void changedStorageIsReportedAsDrift(CapturedOutput output) throws Exception {
		this.server.create(StreamConfiguration.builder()
			.name("ORDERS")
			.subjects("orders.>")
			.storageType(StorageType.Memory)
			.build());
		this.runner
			.withPropertyValues("jetway.topology.streams.ORDERS.subjects=orders.>",
					"jetway.topology.streams.ORDERS.storage=file")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(this.server.stream("ORDERS").getStorageType()).isEqualTo(StorageType.Memory);
				assertThat(output).contains("Stream ORDERS has drifted: storage is memory on the server but "
						+ "jetway.topology.streams.ORDERS.storage is file; storage cannot change in place");
				StreamReport report = context.getBean(StreamTopology.class).report().stream("ORDERS").orElseThrow();
				assertThat(report.differences()).singleElement().satisfies((drift) -> {
					assertThat(drift.property()).isEqualTo("jetway.topology.streams.ORDERS.storage");
					assertThat(drift.current()).isEqualTo("memory");
					assertThat(drift.wanted()).isEqualTo("file");
					assertThat(drift.changeableInPlace()).isFalse();
				});
			});
	}

	@Test
	void changedRetentionIsDriftWhereTheServerForbidsTheChange(CapturedOutput output) throws Exception {
		this.server.create("ORDERS", "orders.>");
		boolean changeable = this.server.connection().getServerInfo().isSameOrNewerThanVersion("2.10.0");
		this.runner
			.withPropertyValues("jetway.topology.streams.ORDERS.subjects=orders.>",
					"jetway.topology.streams.ORDERS.retention=interest")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				String retention = this.server.stream("ORDERS").getRetentionPolicy().name();
				if (changeable) {
					assertThat(retention).isEqualTo("Interest");
				}
				else {
					assertThat(retention).isEqualTo("Limits");
					assertThat(output).contains("retention is limits on the server but "
							+ "jetway.topology.streams.ORDERS.retention is interest; retention cannot change in place");
				}
			});
	}

	@Test
	void streamDeclarationBeansAreEnsuredWithTheProperties() {
		this.runner.withPropertyValues("jetway.topology.streams.ORDERS.subjects=orders.>")
			.withBean("deadLetters", StreamDeclaration.class,
					() -> StreamDeclaration.of("DEAD_LETTERS", "dlq.>").withSource("bean 'deadLetters'"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(this.server.stream("ORDERS").getSubjects()).containsExactly("orders.>");
				assertThat(this.server.stream("DEAD_LETTERS").getSubjects()).containsExactly("dlq.>");
			});
	}

	@Test
	void streamTopologyEnsuresAtRunTimeAndReports() {
		this.runner.run((context) -> {
			StreamTopology topology = context.getBean(StreamTopology.class);
			TopologyReport ensured = topology.ensure(List.of(StreamDeclaration.of("JOBS", "jobs.>")));
			assertThat(ensured.stream("JOBS")).get().extracting(StreamReport::status).isEqualTo(Status.CREATED);
			TopologyReport again = topology.ensure(List.of(StreamDeclaration.of("JOBS", "jobs.>")));
			assertThat(again.stream("JOBS")).get().extracting(StreamReport::status).isEqualTo(Status.PRESENT);
			this.server.management().deleteStream("JOBS");
			TopologyReport report = topology.report();
			assertThat(report.isConsistent()).isFalse();
			assertThat(report.problems()).containsExactly("stream JOBS (stream JOBS): does not exist");
			assertThat(report.stream("JOBS")).get().extracting(StreamReport::status).isEqualTo(Status.MISSING);
		});
	}

	@Test
	void offModeDoesNothing() {
		this.runner.withPropertyValues("jetway.topology.mode=off", "jetway.topology.streams.ORDERS.subjects=orders.>")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(this.server.exists("ORDERS")).isFalse();
			});
	}

}
