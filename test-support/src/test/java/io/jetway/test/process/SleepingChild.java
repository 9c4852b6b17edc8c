package io.jetway.test.process;

import java.util.concurrent.CountDownLatch;

/**
 * A child JVM for {@link JavaProcessTests}: prints what it was given, then waits until it
 * is stopped or killed.
 */
public final class SleepingChild {

	private SleepingChild() {
	}

	public static void main(String[] args) throws InterruptedException {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
		System.out.println("args=" + String.join(",", args) + " property=" + System.getProperty("jetway.test") + " env="
				+ System.getenv("JETWAY_TEST_ENV"));
		System.err.println("ready");
		new CountDownLatch(1).await();
	}

}
