/**
 * Testcontainers support: {@code NatsConnectionDetails} from a {@code @ServiceConnection}
 * NATS container.
 */
@NullMarked
package io.jetway.testcontainers;

import org.jspecify.annotations.NullMarked;
