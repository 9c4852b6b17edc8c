package io.jetway.actuate;

import java.util.List;

import io.jetway.actuate.JetStreamReads.StreamFigures;
import io.jetway.topology.StreamTopology;

/**
 * Degraded while a declared stream is missing, lacks a subject or differs from its
 * declaration (drift); down when the server does not answer.
 */
class TopologyHealthCheck implements JetwayHealthCheck {

	private final JetStreamReads reads;

	private final StreamTopology topology;

	TopologyHealthCheck(JetStreamReads reads, StreamTopology topology) {
		this.reads = reads;
		this.topology = topology;
	}

	@Override
	public String name() {
		return "topology";
	}

	@Override
	public Result check() throws Exception {
		List<StreamFigures> streams = this.reads.streams(this.topology);
		List<String> drift = streams.stream().flatMap((stream) -> stream.drift().stream()).toList();
		return Result.builder()
			.degradedIf(!drift.isEmpty())
			.detail("streams", streams.size())
			.detail("drift", drift)
			.build();
	}

}
