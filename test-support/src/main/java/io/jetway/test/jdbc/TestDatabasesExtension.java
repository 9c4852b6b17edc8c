package io.jetway.test.jdbc;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class one fresh database per {@link TestDatabase}, created on first use
 * and dropped after the class. Pair it with
 * {@code @ParameterizedTest @EnumSource(TestDatabase.class)} for tests that must hold on
 * every database:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final TestDatabasesExtension databases = new TestDatabasesExtension();
 * </pre>
 */
public class TestDatabasesExtension implements AfterAllCallback {

	private final Map<TestDatabase, TestDatabaseInstance> instances = new EnumMap<>(TestDatabase.class);

	public synchronized TestDatabaseInstance get(TestDatabase type) {
		return this.instances.computeIfAbsent(type, TestDatabase::create);
	}

	@Override
	public synchronized void afterAll(ExtensionContext context) {
		RuntimeException failure = null;
		for (TestDatabaseInstance instance : this.instances.values()) {
			try {
				instance.close();
			}
			catch (RuntimeException ex) {
				failure = ex;
			}
		}
		this.instances.clear();
		if (failure != null) {
			throw failure;
		}
	}

}
