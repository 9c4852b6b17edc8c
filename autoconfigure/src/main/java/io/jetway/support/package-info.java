/**
 * Mechanisms shared by every Jetway capability: backoff, message ids.
 */
@NullMarked
package io.jetway.support;

import org.jspecify.annotations.NullMarked;
