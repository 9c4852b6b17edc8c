package io.jetway.benchmarks;

import java.nio.charset.StandardCharsets;

import tools.jackson.databind.json.JsonMapper;

/**
 * The event every scenario sends: about 100 bytes of JSON.
 *
 * @param orderId the order
 * @param customerId the customer
 * @param amountCents the amount
 * @param currency the currency
 * @param items the number of items
 * @param sequence the event's number in its run
 */
public record BenchEvent(String orderId, String customerId, long amountCents, String currency, int items,
		long sequence) {

	static final String SUBJECT = "bench.created";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	static BenchEvent of(long sequence) {
		return new BenchEvent("order-%08d".formatted(sequence), "customer-%04d".formatted(sequence % 10_000),
				1_000 + (sequence % 100_000), "EUR", 1 + (int) (sequence % 9), sequence);
	}

	/** The event as JSON, as Jetway and Spring Modulith serialize it. */
	byte[] toJson() {
		return mapper.writeValueAsString(this).getBytes(StandardCharsets.UTF_8);
	}

}
