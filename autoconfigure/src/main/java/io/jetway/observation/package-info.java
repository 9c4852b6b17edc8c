/**
 * Micrometer Observation support: the observations Jetway makes (publish, outbox relay,
 * listener, job, webhook), their contexts, which carry the W3C trace context through
 * message headers and job rows, their replaceable conventions, and the MDC keys set while
 * handlers run.
 */
@NullMarked
package io.jetway.observation;

import org.jspecify.annotations.NullMarked;
