/**
 * Actuator support: the {@code jetway} health indicator and the {@code jetway} endpoint
 * (read what Jetway holds, and act on it), on only when Spring Boot's health support or
 * Actuator is on the class path.
 */
@NullMarked
package io.jetway.actuate;

import org.jspecify.annotations.NullMarked;
