/**
 * Durable pull consumers: listener methods, containers, backoff and dead letters.
 */
@NullMarked
package io.jetway.consumer;

import org.jspecify.annotations.NullMarked;
