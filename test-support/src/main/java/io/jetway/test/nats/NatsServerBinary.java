package io.jetway.test.nats;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * Which {@code nats-server} binary a test runs: the machine's ({@link #DEFAULT}) or a
 * given version ({@link #V2_15}, {@link #of(String)}), for tests that must hold on every
 * server Jetway supports.
 * <p>
 * {@link #DEFAULT} is, in order: the version named by {@code $JETWAY_NATS_SERVER_VERSION}
 * (looked up as {@link #of(String)} does; how the build runs the suite a second time on
 * the newest server), {@code $JETWAY_NATS_SERVER}, {@code $nats_server_path},
 * {@code PATH}, {@code /usr/sbin/nats-server}.
 * <p>
 * A version {@code X.Y} is, in order: {@code $JETWAY_NATS_SERVER_X_Y} (a path), then the
 * newest {@code X.Y.*} in the cache folder that {@code .ci/nats-server-binary X.Y} fills
 * ({@code $JETWAY_NATS_SERVER_CACHE}, by default {@code ~/.cache/jetway/nats-server}). A
 * missing binary fails the test with the command that fetches it.
 */
public final class NatsServerBinary {

	/** The machine's server (Debian 12: 2.9.10, Jetway's minimum) unless configured. */
	public static final NatsServerBinary DEFAULT = new NatsServerBinary(null);

	/** nats-server 2.15.x, as Debian's sid suite carries it. */
	public static final NatsServerBinary V2_15 = new NatsServerBinary("2.15");

	private static final Map<Path, String> VERSIONS = new ConcurrentHashMap<>();

	private final @Nullable String version;

	private NatsServerBinary(@Nullable String version) {
		this.version = version;
	}

	/**
	 * A given version, {@code major.minor} (newest patch) or {@code major.minor.patch}.
	 */
	public static NatsServerBinary of(String version) {
		return new NatsServerBinary(version);
	}

	/**
	 * The binary's path.
	 * @throws IllegalStateException naming the command that fetches or installs it, when
	 * it is missing
	 */
	public Path path() {
		if (this.version != null) {
			return findVersion(this.version);
		}
		String wanted = System.getenv("JETWAY_NATS_SERVER_VERSION");
		if (wanted != null && !wanted.isBlank()) {
			return findVersion(wanted.trim());
		}
		return findDefault();
	}

	/**
	 * The version the binary reports, for example {@code 2.15.1}.
	 */
	public String version() {
		return versionOf(path());
	}

	/** The version the binary at {@code path} reports ({@code nats-server --version}). */
	public static String versionOf(Path binary) {
		return VERSIONS.computeIfAbsent(binary, NatsServerBinary::askVersion);
	}

	@Override
	public String toString() {
		return (this.version != null) ? "nats-server " + this.version : "nats-server (default)";
	}

	private static Path findVersion(String version) {
		String variable = "JETWAY_NATS_SERVER_" + version.replace('.', '_');
		String configured = System.getenv(variable);
		if (configured != null && !configured.isBlank()) {
			Path path = Path.of(configured);
			if (!Files.isExecutable(path)) {
				throw new IllegalStateException("$" + variable + "=" + configured
						+ " is not an executable nats-server. Fetch one with '.ci/nats-server-binary " + version
						+ "' and point " + variable + " at the path it prints, or unset " + variable + ".");
			}
			return path;
		}
		Path cache = cacheDirectory();
		Optional<Path> cached = Optional.empty();
		if (Files.isDirectory(cache)) {
			try (Stream<Path> entries = Files.list(cache)) {
				cached = entries.filter((entry) -> !Files.isSymbolicLink(entry))
					.filter((entry) -> matches(entry.getFileName().toString(), version))
					.map((entry) -> entry.resolve("usr/sbin/nats-server"))
					.filter(Files::isExecutable)
					.max(Comparator.comparing(
							(Path binary) -> binary.getParent().getParent().getParent().getFileName().toString(),
							NatsServerBinary::compareVersions));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return cached.orElseThrow(() -> new IllegalStateException("nats-server " + version
				+ " was not found (looked at $" + variable + " and " + cache + "/" + version
				+ "*). Fetch it with '.ci/nats-server-binary " + version
				+ "' (downloads Debian's package into that cache, installs nothing), then run the tests again."));
	}

	private static boolean matches(String name, String version) {
		return name.equals(version) || name.startsWith(version + ".");
	}

	private static int compareVersions(String left, String right) {
		String[] a = left.split("\\.");
		String[] b = right.split("\\.");
		for (int i = 0; i < Math.max(a.length, b.length); i++) {
			int x = (i < a.length) ? parse(a[i]) : 0;
			int y = (i < b.length) ? parse(b[i]) : 0;
			if (x != y) {
				return Integer.compare(x, y);
			}
		}
		return 0;
	}

	private static int parse(String number) {
		try {
			return Integer.parseInt(number);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	static Path cacheDirectory() {
		String configured = System.getenv("JETWAY_NATS_SERVER_CACHE");
		if (configured != null && !configured.isBlank()) {
			return Path.of(configured);
		}
		return Path.of(System.getProperty("user.home"), ".cache", "jetway", "nats-server");
	}

	private static Path findDefault() {
		String configured = System.getenv("JETWAY_NATS_SERVER");
		if (configured != null && !configured.isBlank()) {
			Path path = Path.of(configured);
			if (!Files.isExecutable(path)) {
				throw new IllegalStateException("$JETWAY_NATS_SERVER=" + configured
						+ " is not an executable nats-server. Point it at one (or unset it to use the one on PATH).");
			}
			return path;
		}
		String legacy = System.getenv("nats_server_path");
		if (legacy != null && !legacy.isBlank() && Files.isExecutable(Path.of(legacy))) {
			return Path.of(legacy);
		}
		String path = System.getenv("PATH");
		if (path != null) {
			for (String entry : path.split(File.pathSeparator)) {
				Path candidate = Path.of(entry, "nats-server");
				if (Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		Path debian = Path.of("/usr/sbin/nats-server");
		if (Files.isExecutable(debian)) {
			return debian;
		}
		throw new IllegalStateException("nats-server was not found (looked at $JETWAY_NATS_SERVER, $nats_server_path, "
				+ "PATH and /usr/sbin/nats-server). Install it with 'apt-get install nats-server' or download it "
				+ "from the NATS releases, then run the tests again.");
	}

	private static String askVersion(Path binary) {
		List<String> command = new ArrayList<>(List.of(binary.toString(), "--version"));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
			// "nats-server: v2.15.1"
			int v = output.lastIndexOf('v');
			return (v >= 0) ? output.substring(v + 1).trim() : output;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + binary + " --version", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + binary + " --version", ex);
		}
	}

}
