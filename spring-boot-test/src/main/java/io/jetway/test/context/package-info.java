/**
 * Spring test support for applications that use Jetway: {@link PrivateNatsServer} gives a
 * {@code @SpringBootTest} class its own nats-server as the NATS service connection.
 */
@NullMarked
package io.jetway.test.context;

import org.jspecify.annotations.NullMarked;
