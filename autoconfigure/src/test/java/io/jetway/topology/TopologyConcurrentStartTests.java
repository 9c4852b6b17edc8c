package io.jetway.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jetway.test.nats.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

class TopologyConcurrentStartTests {

	private static final int INSTANCES = 5;

	@RegisterExtension
	static final NatsServerExtension nats = new NatsServerExtension();

	private ServerStreams server;

	@BeforeEach
	void connect() throws Exception {
		this.server = ServerStreams.connect(nats);
	}

	@AfterEach
	void cleanUp() throws Exception {
		this.server.close();
	}

	@RepeatedTest(2)
	void concurrentStartsAllSucceedWithOneStreamHoldingTheUnionOfSubjects() throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(INSTANCES);
		CountDownLatch ready = new CountDownLatch(INSTANCES);
		List<CompletableFuture<Throwable>> starts = new ArrayList<>();
		try {
			for (int i = 0; i < INSTANCES; i++) {
				String subjects = "orders.common,orders.v" + i + ".>";
				starts.add(CompletableFuture.supplyAsync(() -> {
					Throwable[] failure = new Throwable[1];
					ServerStreams.runner(nats)
						.withPropertyValues("jetway.topology.streams.ORDERS.subjects=" + subjects)
						.withInitializer((context) -> {
							ready.countDown();
							await(ready);
						})
						.run((context) -> failure[0] = context.getStartupFailure());
					return failure[0];
				}, executor));
			}
			for (CompletableFuture<Throwable> start : starts) {
				assertThat(start.get(60, TimeUnit.SECONDS)).isNull();
			}
		}
		finally {
			executor.shutdownNow();
		}
		List<String> expected = new ArrayList<>(List.of("orders.common"));
		for (int i = 0; i < INSTANCES; i++) {
			expected.add("orders.v" + i + ".>");
		}
		assertThat(this.server.management().getStreamNames()).containsExactly("ORDERS");
		assertThat(this.server.stream("ORDERS").getSubjects()).containsExactlyInAnyOrderElementsOf(expected);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
