/**
 * Test support: child JVM processes that a test can start, watch, stop and kill.
 */
@NullMarked
package io.jetway.test.process;

import org.jspecify.annotations.NullMarked;
