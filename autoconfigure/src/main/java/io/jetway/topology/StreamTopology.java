package io.jetway.topology;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.jetway.topology.StreamReport.Status;

/**
 * The streams an application needs, kept in line with the server. Jetway runs
 * {@link #ensure} (or {@link #validate}) once at startup, in lifecycle phase
 * {@link #PHASE}, with every {@link StreamDeclaration} bean and
 * {@code jetway.topology.streams.*}; applications call it at run time for streams they
 * create later, with the same rules. Every declaration it has seen is remembered for
 * {@link #report()}.
 * <p>
 * Names and subjects in declarations are logical: the {@link Namespace} is applied here.
 */
public class StreamTopology {

	/**
	 * The lifecycle phase of the startup pass: very early, so that anything started in a
	 * later phase (consumer containers, relays, schedulers) finds its streams in place.
	 */
	public static final int PHASE = Integer.MIN_VALUE + 1000;

	private static final Log logger = LogFactory.getLog(StreamTopology.class);

	private final JetStreamManagement management;

	private final Namespace namespace;

	private final TopologyPlanner planner;

	private final StreamEnsurer ensurer;

	private final Map<String, StreamDeclaration> declarations = new LinkedHashMap<>();

	/**
	 * @param management the JetStream management API
	 * @param namespace the namespace applied to every declaration
	 * @param retentionChangeable whether the server changes retention between limits and
	 * interest in place (nats-server 2.10 and later)
	 */
	public StreamTopology(JetStreamManagement management, Namespace namespace, boolean retentionChangeable) {
		this(management, namespace, retentionChangeable, 1);
	}

	/**
	 * @param management the JetStream management API
	 * @param namespace the namespace applied to every declaration
	 * @param retentionChangeable whether the server changes retention between limits and
	 * interest in place (nats-server 2.10 and later)
	 * @param defaultReplicas the replicas of a stream whose declaration sets none
	 * ({@code jetway.topology.default-replicas})
	 */
	public StreamTopology(JetStreamManagement management, Namespace namespace, boolean retentionChangeable,
			int defaultReplicas) {
		this.management = management;
		this.namespace = namespace;
		this.planner = new TopologyPlanner(new StreamSettingsComparison(retentionChangeable), defaultReplicas);
		this.ensurer = new StreamEnsurer(management, this.planner);
	}

	/**
	 * Creates the streams that are missing, adds missing subjects and changes settings
	 * that can change in place, skipping (with a warning) every subject another stream
	 * owns. Never removes a subject or deletes data. Problems with one stream are logged
	 * and reported; they do not stop the others.
	 * @param declarations the streams
	 * @return what was done and what is left (drift, skipped subjects, failures)
	 * @throws TopologyException when two declarations of one stream disagree on settings
	 */
	public TopologyReport ensure(Collection<StreamDeclaration> declarations) {
		List<TargetStream> targets = remember(declarations);
		StreamSnapshot snapshot;
		try {
			snapshot = StreamSnapshot.read(this.management);
		}
		catch (IOException | JetStreamApiException ex) {
			StreamSnapshot empty = StreamSnapshot.of();
			TopologyReport report = new TopologyReport(targets.stream()
				.map((target) -> StreamReport.of(this.planner.plan(target, empty), Status.FAILED,
						"could not read the streams on the server: " + ex))
				.toList());
			logger.error("Could not read the streams on the NATS server, no stream was ensured: " + ex);
			return report;
		}
		List<StreamReport> reports = new ArrayList<>();
		try {
			for (TargetStream target : targets) {
				reports.add(this.ensurer.ensure(target, snapshot));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new TopologyException("Interrupted while ensuring streams", null, "Retry the start.", ex);
		}
		return new TopologyReport(reports);
	}

	/**
	 * Changes nothing and fails when the server does not hold every declared stream,
	 * subject and setting.
	 * @param declarations the streams
	 * @return the report, when consistent
	 * @throws TopologyValidationException listing every missing stream, missing subject
	 * and drifted setting
	 */
	public TopologyReport validate(Collection<StreamDeclaration> declarations) {
		TopologyReport report = inspect(remember(declarations));
		if (!report.isConsistent()) {
			throw new TopologyValidationException(report);
		}
		return report;
	}

	/**
	 * Changes nothing.
	 * @return the state on the server of every stream declared so far (through
	 * {@link #ensure} or {@link #validate})
	 */
	public TopologyReport report() {
		List<StreamDeclaration> known;
		synchronized (this.declarations) {
			known = List.copyOf(this.declarations.values());
		}
		return inspect(TargetStream.of(known, this.namespace));
	}

	/**
	 * @return the namespace applied to declarations
	 */
	public Namespace getNamespace() {
		return this.namespace;
	}

	private TopologyReport inspect(List<TargetStream> targets) {
		StreamSnapshot snapshot;
		try {
			snapshot = StreamSnapshot.read(this.management);
		}
		catch (IOException | JetStreamApiException ex) {
			throw new TopologyException("Could not read the streams on the NATS server: " + ex, "jetway.nats.servers",
					"Check that the NATS server is reachable and JetStream is enabled.", ex);
		}
		return new TopologyReport(targets.stream().map((target) -> {
			StreamPlan plan = this.planner.plan(target, snapshot);
			return StreamReport.of(plan, (plan.current() != null) ? Status.PRESENT : Status.MISSING, null);
		}).toList());
	}

	private List<TargetStream> remember(Collection<StreamDeclaration> declarations) {
		List<TargetStream> targets = TargetStream.of(declarations, this.namespace);
		synchronized (this.declarations) {
			Map<String, StreamDeclaration> merged = new LinkedHashMap<>(this.declarations);
			declarations
				.forEach((declaration) -> merged.put(declaration.name() + "|" + declaration.source(), declaration));
			TargetStream.of(merged.values(), this.namespace); // settings must agree with
																// earlier declarations
			this.declarations.clear();
			this.declarations.putAll(merged);
		}
		return targets;
	}

}
