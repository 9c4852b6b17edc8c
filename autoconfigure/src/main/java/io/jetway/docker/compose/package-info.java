/**
 * Docker Compose support: {@code NatsConnectionDetails} from a {@code nats} service that
 * spring-boot-docker-compose started.
 */
@NullMarked
package io.jetway.docker.compose;

import org.jspecify.annotations.NullMarked;
