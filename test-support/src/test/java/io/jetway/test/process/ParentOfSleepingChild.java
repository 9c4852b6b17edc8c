package io.jetway.test.process;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/**
 * A child JVM for {@link JavaProcessTests} that starts a grandchild and prints its pid,
 * to show that the grandchild dies with its parent.
 */
public final class ParentOfSleepingChild {

	private ParentOfSleepingChild() {
	}

	public static void main(String[] args) throws InterruptedException {
		JavaProcess child = JavaProcess.builder(SleepingChild.class).start();
		child.awaitLine(Pattern.compile("^ready"), Duration.ofSeconds(30));
		System.out.println("grandchild=" + child.pid());
		new CountDownLatch(1).await();
	}

}
