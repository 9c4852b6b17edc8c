package io.jetway.test.process;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class JavaProcessTests {

	private static final Duration START = Duration.ofSeconds(30);

	@Test
	void passesArgumentsPropertiesAndEnvironmentAndKillRunsNoShutdownHook() {
		try (JavaProcess child = JavaProcess.builder(SleepingChild.class)
			.args("a", "b")
			.systemProperty("jetway.test", "yes")
			.env("JETWAY_TEST_ENV", "set")
			.start()) {
			child.awaitLine(Pattern.compile("^ready"), START);
			assertThat(child.awaitLine(Pattern.compile("^args="), Duration.ofSeconds(1)))
				.isEqualTo("args=a,b property=yes env=set");
			child.kill();
			assertThat(child.isAlive()).isFalse();
			// 128 + 9: SIGKILL, so destroyForcibly is a real kill -9 and no hook ran
			assertThat(child.exitCode()).contains(137);
			assertThat(child.log()).doesNotContain("shutdown hook ran");
		}
	}

	@Test
	void stopIsGracefulAndRunsShutdownHooks() {
		try (JavaProcess child = JavaProcess.builder(SleepingChild.class).start()) {
			child.awaitLine(Pattern.compile("^ready"), START);
			// 128 + 15: SIGTERM
			assertThat(child.stop(Duration.ofSeconds(10))).isEqualTo(143);
			assertThat(child.log()).contains("shutdown hook ran");
		}
	}

	@Test
	void awaitLineFailsWithTheOutputWhenTheChildExitsOrTimesOut() {
		try (JavaProcess child = JavaProcess.builder(SleepingChild.class).start()) {
			assertThatIllegalStateException()
				.isThrownBy(() -> child.awaitLine(Pattern.compile("never printed"), Duration.ofMillis(300)))
				.withMessageContaining("within PT0.3S");
			child.awaitLine(Pattern.compile("^ready"), START);
			child.kill();
			assertThatIllegalStateException()
				.isThrownBy(() -> child.awaitLine(Pattern.compile("never printed"), Duration.ofSeconds(5)))
				.withMessageContaining("exited with code 137")
				.withMessageContaining("ready");
		}
	}

	@Test
	void aChildDiesWhenItsParentJvmIsKilled() {
		try (JavaProcess parent = JavaProcess.builder(ParentOfSleepingChild.class).start()) {
			String line = parent.awaitLine(Pattern.compile("^grandchild="), START.multipliedBy(2));
			long grandchildPid = Long.parseLong(line.substring("grandchild=".length()).trim());
			Optional<ProcessHandle> grandchild = ProcessHandle.of(grandchildPid);
			assertThat(grandchild).isPresent();
			assertThat(grandchild.get().isAlive()).isTrue();
			parent.kill();
			await().atMost(Duration.ofSeconds(10)).until(() -> !grandchild.get().isAlive());
		}
	}

}
