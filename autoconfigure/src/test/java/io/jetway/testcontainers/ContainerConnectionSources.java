package io.jetway.testcontainers;

import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

import org.testcontainers.containers.Container;

import org.springframework.boot.origin.Origin;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.core.annotation.MergedAnnotation;

/**
 * Builds the {@link ContainerConnectionSource} that Spring Boot builds for a
 * {@code @ServiceConnection} field (its constructor is not public), so that a factory can
 * be asked for details without a Spring context.
 */
final class ContainerConnectionSources {

	private ContainerConnectionSources() {
	}

	/**
	 * The source for {@code @ServiceConnection(name = name, type = types)} on the given
	 * container; an empty name and no types are the annotation's defaults.
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	static ContainerConnectionSource<Container<?>> of(Container<?> container, String name, Class<?>... types) {
		MergedAnnotation<ServiceConnection> annotation = MergedAnnotation.of(ServiceConnection.class,
				Map.of("name", name, "type", types));
		Origin origin = new Origin() {
			@Override
			public String toString() {
				return "test container " + container.getDockerImageName();
			}
		};
		Constructor<?> constructor = Arrays.stream(ContainerConnectionSource.class.getDeclaredConstructors())
			.filter((candidate) -> candidate.getParameterTypes()[4] == MergedAnnotation.class)
			.findFirst()
			.orElseThrow();
		constructor.setAccessible(true);
		Supplier<Container<?>> supplier = () -> container;
		try {
			return (ContainerConnectionSource<Container<?>>) constructor.newInstance("test", origin,
					(Class) container.getClass(), container.getDockerImageName(), annotation, supplier, null, null);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Spring Boot's ContainerConnectionSource changed: " + ex, ex);
		}
	}

}
