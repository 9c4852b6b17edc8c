/**
 * The Jetway web dashboard: jobs, dead letters, streams and consumers, and the outbox,
 * served by the application's own Spring MVC under {@code jetway.dashboard.path} and
 * secured by its Spring Security.
 */
@NullMarked
package io.jetway.dashboard;

import org.jspecify.annotations.NullMarked;
