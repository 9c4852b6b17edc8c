package io.jetway.support;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-ordered unique ids (UUID version 7, RFC 9562) for messages, outbox rows and jobs.
 * Ids made by one JVM are strictly increasing, also within one millisecond (a 12-bit
 * counter in {@code rand_a}, method 1 of the RFC), so ordering by id follows creation
 * order.
 */
public final class MessageIds {

	private static final Object lock = new Object();

	private static long lastMillis;

	private static long counter;

	private MessageIds() {
	}

	public static UUID next() {
		long millis;
		long sequence;
		synchronized (lock) {
			millis = System.currentTimeMillis();
			if (millis <= lastMillis) {
				millis = lastMillis;
				counter++;
				if (counter > 0xFFF) {
					millis = ++lastMillis;
					counter = 0;
				}
			}
			else {
				lastMillis = millis;
				counter = 0;
			}
			sequence = counter;
		}
		long mostSignificant = (millis << 16) | 0x7000L | sequence;
		long leastSignificant = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
		return new UUID(mostSignificant, leastSignificant);
	}

}
