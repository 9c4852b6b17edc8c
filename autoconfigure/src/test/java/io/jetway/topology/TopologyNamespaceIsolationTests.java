package io.jetway.topology;

import io.nats.client.JetStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.jetway.test.nats.NatsServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

class TopologyNamespaceIsolationTests {

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

	@Test
	void twoNamespacesOnOneServerAreIsolated() {
		ApplicationContextRunner prod = namespace("prod.billing", "PROD_BILLING_");
		ApplicationContextRunner test = namespace("test.billing", "TEST_BILLING_");
		prod.run((prodContext) -> test.run((testContext) -> {
			assertThat(prodContext).hasNotFailed();
			assertThat(testContext).hasNotFailed();
			assertThat(this.server.stream("PROD_BILLING_ORDERS").getSubjects())
				.containsExactly("prod.billing.orders.>");
			assertThat(this.server.stream("TEST_BILLING_ORDERS").getSubjects())
				.containsExactly("test.billing.orders.>");
			Namespace prodNamespace = prodContext.getBean(Namespace.class);
			JetStream prodJetStream = prodContext.getBean(JetStream.class);
			prodJetStream.publish(prodNamespace.subject("orders.created"), "prod".getBytes());
			prodJetStream.publish(prodNamespace.subject("orders.created"), "prod".getBytes());
			Namespace testNamespace = testContext.getBean(Namespace.class);
			testContext.getBean(JetStream.class).publish(testNamespace.subject("orders.created"), "test".getBytes());
			assertThat(messages("PROD_BILLING_ORDERS")).isEqualTo(2);
			assertThat(messages("TEST_BILLING_ORDERS")).isEqualTo(1);
			assertThat(this.server.exists("ORDERS")).isFalse();
		}));
	}

	private long messages(String stream) throws Exception {
		return this.server.management().getStreamInfo(stream).getStreamState().getMsgCount();
	}

	private ApplicationContextRunner namespace(String subjectPrefix, String streamPrefix) {
		return ServerStreams.runner(nats)
			.withPropertyValues("jetway.namespace.subject-prefix=" + subjectPrefix,
					"jetway.namespace.stream-prefix=" + streamPrefix,
					"jetway.topology.streams.ORDERS.subjects=orders.>");
	}

}
