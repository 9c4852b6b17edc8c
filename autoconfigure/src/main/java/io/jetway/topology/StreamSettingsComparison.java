package io.jetway.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import io.nats.client.api.RetentionPolicy;
import org.jspecify.annotations.Nullable;

/**
 * Compares a stream's settings on the server with the declared ones, setting by setting,
 * and knows which differences the server lets change in place.
 */
final class StreamSettingsComparison {

	private final boolean retentionChangeable;

	/**
	 * @param retentionChangeable whether the server changes retention between limits and
	 * interest in place (nats-server 2.10 and later; 2.9 refuses any change)
	 */
	StreamSettingsComparison(boolean retentionChangeable) {
		this.retentionChangeable = retentionChangeable;
	}

	List<SettingDifference> differences(StreamSettings current, StreamSettings wanted, String source) {
		List<SettingDifference> differences = new ArrayList<>();
		Comparer comparer = new Comparer(current, wanted, source, differences);
		comparer.compare("storage", StreamSettings::storage, false, StreamSettingsComparison::lower);
		comparer.compare("retention", StreamSettings::retention, retentionChangeable(current, wanted),
				StreamSettingsComparison::lower);
		comparer.compare("replicas", StreamSettings::replicas, true, String::valueOf);
		comparer.compare("max-age", StreamSettings::maxAge, true, StreamSettingsComparison::duration);
		comparer.compare("max-bytes", StreamSettings::maxBytes, true, StreamSettingsComparison::bytes);
		comparer.compare("max-msgs", StreamSettings::maxMsgs, true, StreamSettingsComparison::count);
		comparer.compare("max-msg-size", StreamSettings::maxMsgSize, true, StreamSettingsComparison::bytes);
		comparer.compare("duplicate-window", StreamSettings::duplicateWindow, true, StreamSettingsComparison::duration);
		comparer.compare("discard", StreamSettings::discard, true, StreamSettingsComparison::lower);
		comparer.compare("description", StreamSettings::description, true, (value) -> "'" + value + "'");
		return differences;
	}

	private boolean retentionChangeable(StreamSettings current, StreamSettings wanted) {
		return this.retentionChangeable && isLimitsOrInterest(current.retention())
				&& isLimitsOrInterest(wanted.retention());
	}

	private static boolean isLimitsOrInterest(RetentionPolicy retention) {
		return retention == RetentionPolicy.Limits || retention == RetentionPolicy.Interest;
	}

	private static String lower(Object value) {
		return value.toString().toLowerCase();
	}

	static String duration(Duration duration) {
		if (duration.isZero()) {
			return "unlimited";
		}
		long millis = duration.toMillis();
		long[] factors = { 86_400_000, 3_600_000, 60_000, 1000, 1 };
		String[] units = { "d", "h", "m", "s", "ms" };
		for (int i = 0; i < factors.length; i++) {
			if (millis % factors[i] == 0) {
				return (millis / factors[i]) + units[i];
			}
		}
		return duration.toString();
	}

	static String bytes(long bytes) {
		if (bytes < 0) {
			return "unlimited";
		}
		long[] factors = { 1L << 40, 1L << 30, 1L << 20, 1L << 10 };
		String[] units = { "TB", "GB", "MB", "KB" };
		for (int i = 0; i < factors.length; i++) {
			if (bytes >= factors[i] && bytes % factors[i] == 0) {
				return (bytes / factors[i]) + units[i];
			}
		}
		return bytes + "B";
	}

	private static String count(long count) {
		return (count < 0) ? "unlimited" : String.valueOf(count);
	}

	private record Comparer(StreamSettings current, StreamSettings wanted, String source,
			List<SettingDifference> differences) {

		<T> void compare(String setting, Function<StreamSettings, @Nullable T> value, boolean inPlace,
				Function<T, String> format) {
			T currentValue = value.apply(this.current);
			T wantedValue = value.apply(this.wanted);
			if (!Objects.equals(currentValue, wantedValue)) {
				this.differences.add(new SettingDifference(this.source + "." + setting, setting,
						display(currentValue, format), display(wantedValue, format), inPlace));
			}
		}

		private static <T> String display(@Nullable T value, Function<T, String> format) {
			return (value != null) ? format.apply(value) : "(none)";
		}

	}

}
