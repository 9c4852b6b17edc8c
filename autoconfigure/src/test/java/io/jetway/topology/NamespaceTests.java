package io.jetway.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class NamespaceTests {

	@Test
	void prefixesSubjectsAndStreamNames() {
		Namespace namespace = new Namespace("prod.billing", "PROD_BILLING_");
		assertThat(namespace.subject("orders.>")).isEqualTo("prod.billing.orders.>");
		assertThat(namespace.streamName("ORDERS")).isEqualTo("PROD_BILLING_ORDERS");
		assertThat(namespace.logicalSubject("prod.billing.orders.created")).isEqualTo("orders.created");
		assertThat(namespace.logicalSubject("test.billing.orders.created")).isNull();
	}

	@Test
	void emptyOrMissingPrefixesChangeNothing() {
		assertThat(new Namespace("", null)).isEqualTo(Namespace.none());
		assertThat(Namespace.none().subject("orders.>")).isEqualTo("orders.>");
		assertThat(Namespace.none().streamName("ORDERS")).isEqualTo("ORDERS");
		assertThat(Namespace.none().logicalSubject("orders.x")).isEqualTo("orders.x");
	}

	@Test
	void bindsFromProperties() {
		JetwayNamespaceProperties properties = new JetwayNamespaceProperties();
		properties.setSubjectPrefix("test");
		properties.setStreamPrefix("TEST_");
		assertThat(Namespace.of(properties)).isEqualTo(new Namespace("test", "TEST_"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "prod.", "prod..billing", "prod.*", "prod.>", "prod billing" })
	void invalidSubjectPrefixNamesTheProperty(String prefix) {
		assertThatExceptionOfType(TopologyException.class).isThrownBy(() -> new Namespace(prefix, null))
			.withMessageContaining("'" + prefix + "'")
			.withMessageContaining("jetway.namespace.subject-prefix");
	}

	@ParameterizedTest
	@ValueSource(strings = { "PROD.", "PROD*", "PROD>", "PROD BILLING", "A/B" })
	void invalidStreamPrefixNamesTheProperty(String prefix) {
		assertThatExceptionOfType(TopologyException.class).isThrownBy(() -> new Namespace(null, prefix))
			.withMessageContaining("'" + prefix + "'")
			.withMessageContaining("jetway.namespace.stream-prefix");
	}

}
