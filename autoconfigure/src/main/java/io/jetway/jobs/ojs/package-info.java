/**
 * External workers: the Open Job Spec HTTP binding over Jetway's job queues, with
 * queue-scoped worker tokens.
 */
@NullMarked
package io.jetway.jobs.ojs;

import org.jspecify.annotations.NullMarked;
