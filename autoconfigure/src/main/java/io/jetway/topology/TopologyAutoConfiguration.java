package io.jetway.topology;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.jetway.connection.NatsConnectionAutoConfiguration;

/**
 * Stream topology: the {@link Namespace} from {@code jetway.namespace.*}, the
 * {@link StreamTopology} and the startup pass over {@code jetway.topology.streams.*} and
 * every {@link StreamDeclaration} bean.
 */
@AutoConfiguration(after = NatsConnectionAutoConfiguration.class)
@ConditionalOnClass(JetStreamManagement.class)
@ConditionalOnBean(JetStreamManagement.class)
@ConditionalOnBooleanProperty(name = "jetway.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ JetwayTopologyProperties.class, JetwayNamespaceProperties.class })
public class TopologyAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Namespace jetwayNamespace(JetwayNamespaceProperties properties) {
		return Namespace.of(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	StreamTopology streamTopology(JetStreamManagement management, Namespace namespace,
			ObjectProvider<Connection> connection, JetwayTopologyProperties properties) {
		Connection current = connection.getIfAvailable();
		boolean retentionChangeable = current != null && current.getServerInfo().isSameOrNewerThanVersion("2.10.0");
		return new StreamTopology(management, namespace, retentionChangeable,
				PropertiesStreamDeclarations.defaultReplicas(properties));
	}

	@Bean
	@ConditionalOnMissingBean
	TopologyInitializer topologyInitializer(StreamTopology topology, JetwayTopologyProperties properties,
			ObjectProvider<StreamDeclaration> declarations) {
		return new TopologyInitializer(topology, properties.getMode(),
				TopologyInitializer.declarations(properties, declarations.orderedStream().toList()));
	}

}
