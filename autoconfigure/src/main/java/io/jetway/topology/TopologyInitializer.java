package io.jetway.topology;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Runs the startup pass of {@code jetway.topology.mode} over every declared stream
 * ({@code jetway.topology.streams.*} and {@link StreamDeclaration} beans) in lifecycle
 * phase {@link StreamTopology#PHASE}, before anything that publishes or consumes starts.
 * In {@code validate} mode a mismatch fails startup.
 */
public class TopologyInitializer implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(TopologyInitializer.class);

	private final StreamTopology topology;

	private final TopologyMode mode;

	private final List<StreamDeclaration> declarations;

	private volatile boolean running;

	/**
	 * @param topology the topology
	 * @param mode what to do
	 * @param declarations every declared stream
	 */
	public TopologyInitializer(StreamTopology topology, TopologyMode mode, List<StreamDeclaration> declarations) {
		this.topology = topology;
		this.mode = mode;
		this.declarations = List.copyOf(declarations);
	}

	/**
	 * @param properties {@code jetway.topology.*}
	 * @param beans the {@link StreamDeclaration} beans
	 * @return the declarations of the properties followed by the beans
	 * @throws TopologyException when a property value is invalid
	 */
	public static List<StreamDeclaration> declarations(JetwayTopologyProperties properties,
			List<StreamDeclaration> beans) {
		List<StreamDeclaration> all = new ArrayList<>();
		List<StreamDeclaration> replicasOnly = new ArrayList<>();
		for (StreamDeclaration declaration : PropertiesStreamDeclarations.from(properties, beans)) {
			boolean setsReplicasOfABean = beans.stream()
				.anyMatch((bean) -> bean.name().equals(declaration.name())
						&& properties.getStreams().get(declaration.name()).getSubjects().isEmpty());
			(setsReplicasOfABean ? replicasOnly : all).add(declaration);
		}
		all.addAll(beans);
		all.addAll(replicasOnly);
		return all;
	}

	@Override
	public void start() {
		switch (this.mode) {
			case OFF -> logger.debug("jetway.topology.mode is off; streams are not checked");
			case VALIDATE -> this.topology.validate(this.declarations);
			case ENSURE -> this.topology.ensure(this.declarations);
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return StreamTopology.PHASE;
	}

}
