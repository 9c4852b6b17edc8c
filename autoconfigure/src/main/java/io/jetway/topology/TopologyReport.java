package io.jetway.topology;

import java.util.List;
import java.util.Optional;

/**
 * The state of every declared stream, as found (validate, report) or left (ensure) by a
 * pass.
 *
 * @param streams one report per declared stream, in declaration order
 */
public record TopologyReport(List<StreamReport> streams) {

	public TopologyReport {
		streams = List.copyOf(streams);
	}

	/**
	 * @return whether every declared stream exists with all its subjects and settings
	 */
	public boolean isConsistent() {
		return this.streams.stream().allMatch(StreamReport::isConsistent);
	}

	/**
	 * @return one line per missing stream, missing subject, drifted setting or failure
	 */
	public List<String> problems() {
		return this.streams.stream().flatMap((stream) -> stream.problems().stream()).toList();
	}

	/**
	 * @param name a logical stream name
	 * @return its report, if declared
	 */
	public Optional<StreamReport> stream(String name) {
		return this.streams.stream().filter((stream) -> stream.name().equals(name)).findFirst();
	}

}
