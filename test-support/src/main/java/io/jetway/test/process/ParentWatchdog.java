package io.jetway.test.process;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * The entry point of every {@link JavaProcess} child: halts the child when its parent
 * process (the test JVM) is gone, even after a SIGKILL, and runs the real {@code main}
 * class given as first argument with the remaining arguments.
 */
public final class ParentWatchdog {

	/** The exit code of a child whose parent died, as if it had been killed. */
	static final int PARENT_GONE_EXIT_CODE = 137;

	private ParentWatchdog() {
	}

	public static void main(String[] args) throws Throwable {
		if (args.length == 0) {
			throw new IllegalArgumentException("Usage: ParentWatchdog <main class> [arguments...]");
		}
		Thread watchdog = new Thread(ParentWatchdog::haltWhenParentGone, "jetway-parent-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
		Method main = Class.forName(args[0]).getMethod("main", String[].class);
		try {
			main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private static void haltWhenParentGone() {
		// polling, not the end of standard input: Process.destroy() closes the pipe
		// before
		// the graceful shutdown it asked for has run
		ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
		long parentPid = (parent != null) ? parent.pid() : -1;
		while (parent != null && parent.isAlive()
				&& ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == parentPid) {
			LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
		}
		Runtime.getRuntime().halt(PARENT_GONE_EXIT_CODE);
	}

}
