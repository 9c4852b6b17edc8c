/**
 * Runnable benchmarks: {@code java -jar benchmarks/target/jetway-benchmarks.jar outbox}.
 */
@NullMarked
package io.jetway.benchmarks;

import org.jspecify.annotations.NullMarked;
