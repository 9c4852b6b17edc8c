package io.jetway.topology;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SubjectsTests {

	@ParameterizedTest
	@ValueSource(
			strings = { "orders", "orders.created", "orders.*", "orders.>", "*", ">", "*.*.>", "$JS.x", "a-b_c.d" })
	void validSubjects(String subject) {
		assertThat(Subjects.isValid(subject)).isTrue();
		assertThat(Subjects.validate(subject, "p")).isEqualTo(subject);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "''|it is empty", "orders..created|token 2 is empty", ".orders|token 1 is empty",
					"orders.|token 2 is empty", "orders created|whitespace", "orders.\tx|whitespace",
					"orders.>.created|is not the last token", "orders.cre*|wildcard inside it",
					"orders.>>|wildcard inside it", "or>ders|wildcard inside it" })
	void invalidSubjectsNameThePropertyAndValue(String subject, String problem) {
		assertThat(Subjects.isValid(subject)).isFalse();
		assertThatExceptionOfType(TopologyException.class)
			.isThrownBy(() -> Subjects.validate(subject, "jetway.topology.streams.ORDERS.subjects[1]"))
			.withMessageContaining("'" + subject + "'")
			.withMessageContaining(problem)
			.withMessageContaining("jetway.topology.streams.ORDERS.subjects[1]")
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("jetway.topology.streams.ORDERS.subjects[1]"));
	}

	@ParameterizedTest
	@CsvSource({ "orders.>, orders.created, true", "orders.>, orders.us.created, true", "orders.>, orders.*, true",
			"orders.>, orders.>, true", "orders.>, orders, false", "orders.*, orders.created, true",
			"orders.*, orders.us.created, false", "orders.*, orders.>, false", "orders.created, orders.*, false",
			"*.created, orders.created, true", ">, orders, true", ">, *.>, true", "*.>, >, false",
			"orders.created, orders.created, true" })
	void covers(String wider, String narrower, boolean expected) {
		assertThat(Subjects.covers(wider, narrower)).isEqualTo(expected);
	}

	@ParameterizedTest
	@CsvSource({ "orders.>, orders.created, true", "orders.*, orders.us.created, false", "orders, orders.>, false",
			"*.created, orders.*, true", "a.*.c, a.b.*, true", "a.*.c, a.b.d, false", ">, a, true", "a.>, b.>, false",
			"a.b, a.b, true", "a.b, a.c, false", "*.*, a.>, true", "*.*, a, false" })
	void overlaps(String first, String second, boolean expected) {
		assertThat(Subjects.overlaps(first, second)).isEqualTo(expected);
		assertThat(Subjects.overlaps(second, first)).isEqualTo(expected);
	}

	@Test
	void coversAgreesWithBruteForceOnRandomSubjects() {
		Random random = new Random(4711);
		for (int i = 0; i < 3000; i++) {
			String wider = SubjectSamples.random(random);
			String narrower = SubjectSamples.random(random);
			assertThat(Subjects.covers(wider, narrower)).as("covers(%s, %s)", wider, narrower)
				.isEqualTo(SubjectSamples.referenceCovers(wider, narrower));
		}
	}

	@Test
	void overlapsAgreesWithBruteForceOnRandomSubjects() {
		Random random = new Random(1066);
		for (int i = 0; i < 3000; i++) {
			String first = SubjectSamples.random(random);
			String second = SubjectSamples.random(random);
			assertThat(Subjects.overlaps(first, second)).as("overlaps(%s, %s)", first, second)
				.isEqualTo(SubjectSamples.referenceOverlaps(first, second));
		}
	}

	@Test
	void relationsHoldOnRandomSubjects() {
		Random random = new Random(99);
		for (int i = 0; i < 3000; i++) {
			String a = SubjectSamples.random(random);
			String b = SubjectSamples.random(random);
			assertThat(Subjects.covers(a, a)).isTrue();
			assertThat(Subjects.overlaps(a, b)).isEqualTo(Subjects.overlaps(b, a));
			if (Subjects.covers(a, b)) {
				assertThat(Subjects.overlaps(a, b)).as("covers(%s, %s) implies overlap", a, b).isTrue();
			}
		}
	}

}
